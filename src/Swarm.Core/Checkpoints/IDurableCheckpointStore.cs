namespace Swarm;

/// <summary>The checkpoint store's durable features beyond <see cref="ICheckpointStore"/>: history, interrupts, the tool journal, the step cache and retention.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
internal interface IDurableCheckpointStore : ICheckpointStore
{
    ValueTask<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(string runId, CancellationToken cancellationToken);

    ValueTask<SwarmRunState?> LoadAtAsync(string runId, int checkpoint, CancellationToken cancellationToken);

    /// <summary>Creates a run as a copy of another run's state at a checkpoint (time travel).</summary>
    ValueTask ForkRunAsync(SwarmRunState state, string parentRunId, int parentCheckpoint, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken);

    /// <summary>Stores the interrupt unless one of that id exists; returns the stored one.</summary>
    ValueTask<SwarmInterrupt> AddInterruptAsync(SwarmInterrupt interrupt, CancellationToken cancellationToken);

    ValueTask<SwarmInterrupt?> GetInterruptAsync(string runId, string interruptId, CancellationToken cancellationToken);

    /// <summary>Answers a pending interrupt; returns the interrupt as stored afterwards (unchanged when it was not pending).</summary>
    ValueTask<SwarmInterrupt?> AnswerInterruptAsync(string runId, string interruptId, string answer, DateTimeOffset answeredAt, InterruptStatus status, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<SwarmInterrupt>> ListInterruptsAsync(string? runId, InterruptStatus? status, CancellationToken cancellationToken);

    /// <summary>Reads the journal entry an earlier call under the key left, if any.</summary>
    ValueTask<ToolCallEntry?> GetToolCallAsync(string runId, string callKey, CancellationToken cancellationToken);

    /// <summary>Records (durably) that a tool call starts, replacing any earlier entry under the key.</summary>
    ValueTask BeginToolCallAsync(string runId, string callKey, string epoch, CancellationToken cancellationToken);

    /// <summary>Removes this epoch's entry under the key (the call suspended on an interrupt before acting).</summary>
    ValueTask ForgetToolCallAsync(string runId, string callKey, string epoch, CancellationToken cancellationToken);

    ValueTask EndToolCallAsync(string runId, string callKey, string epoch, string result, CancellationToken cancellationToken);

    ValueTask<CachedStepOutput?> GetCachedAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    ValueTask PutCachedAsync(string key, CachedStepOutput output, CancellationToken cancellationToken);

    ValueTask<RetentionReport> PruneAsync(CheckpointRetention retention, DateTimeOffset now, CancellationToken cancellationToken);
}
