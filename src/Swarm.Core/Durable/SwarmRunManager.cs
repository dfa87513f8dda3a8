using System.Text.Json;

namespace Swarm;

/// <summary>The default <see cref="ISwarmRunManager"/>, over the executor and the durable checkpoint store.</summary>
internal sealed class SwarmRunManager(ISwarmExecutor executor, DurableRuntime runtime, TimeProvider timeProvider) : ISwarmRunManager
{
    public async Task<SwarmRunResult> ResumeAsync(string runId, IReadOnlyDictionary<string, string>? answers = null, SwarmRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = runtime.RequireStore();
        var state = await LoadAsync(store, runId, null, cancellationToken).ConfigureAwait(false);
        if (answers is { Count: > 0 })
        {
            // Check every answer before storing any, so a bad one leaves the run as it was.
            foreach (var (interruptId, answer) in answers)
            {
                ArgumentNullException.ThrowIfNull(answer);
                var interrupt = await store.GetInterruptAsync(runId, interruptId, cancellationToken).ConfigureAwait(false)
                    ?? throw new KeyNotFoundException($"Run '{runId}' has no interrupt '{interruptId}'.");
                if (interrupt.Status == InterruptStatus.Expired || (interrupt.Status == InterruptStatus.Answered && !string.Equals(interrupt.Answer, answer, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"Interrupt '{interruptId}' of run '{runId}' is {interrupt.Status.ToString().ToLowerInvariant()}; an answer is final.");
                }
            }

            foreach (var (interruptId, answer) in answers)
            {
                await runtime.AnswerAsync(runId, interruptId, answer, cancellationToken).ConfigureAwait(false);
            }
        }

        Log.RunResuming(runtime.Logger, runId, state.Steps.Count(s => s.Status == StepStatus.Succeeded));
        return await executor.RunAsync(state.Graph, new SwarmRunOptions { RunId = runId, ResumeFrom = state, WorkspaceDirectory = options?.WorkspaceDirectory }, cancellationToken).ConfigureAwait(false);
    }

    public Task<SwarmInterrupt> AnswerAsync(string runId, string interruptId, string answer, CancellationToken cancellationToken = default) =>
        runtime.AnswerAsync(runId, interruptId, answer, cancellationToken);

    public Task<string> InterruptAsync(string runId, string stepId, string interruptId, string question, string? defaultAnswer = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(stepId);
        ArgumentException.ThrowIfNullOrEmpty(interruptId);
        ArgumentException.ThrowIfNullOrEmpty(question);
        return runtime.AskAsync(runId, stepId, interruptId, question, defaultAnswer, cancellationToken);
    }

    public async Task<IReadOnlyList<SwarmInterrupt>> ListInterruptsAsync(string? runId = null, InterruptStatus? status = InterruptStatus.Pending, CancellationToken cancellationToken = default) =>
        await runtime.RequireStore().ListInterruptsAsync(runId, status, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var store = runtime.RequireStore();
        var list = await store.ListCheckpointsAsync(runId, cancellationToken).ConfigureAwait(false);
        if (list.Count == 0 && await store.LoadAtAsync(runId, 0, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"The checkpoint store has no run '{runId}'.");
        }

        return list;
    }

    public async Task<SwarmRunState> GetStateAsync(string runId, int? checkpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return await LoadAsync(runtime.RequireStore(), runId, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    public Task<SwarmRunResult> ReplayAsync(string runId, int checkpoint, SwarmRunOptions? options = null, CancellationToken cancellationToken = default) =>
        ForkCoreAsync(runId, checkpoint, edit: null, options, cancellationToken);

    public Task<SwarmRunResult> ForkAsync(string runId, int checkpoint, Action<SwarmRunState> edit, SwarmRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        return ForkCoreAsync(runId, checkpoint, edit, options, cancellationToken);
    }

    private async Task<SwarmRunResult> ForkCoreAsync(string runId, int checkpoint, Action<SwarmRunState>? edit, SwarmRunOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint);
        var store = runtime.RequireStore();
        var source = await LoadAsync(store, runId, checkpoint, cancellationToken).ConfigureAwait(false);

        // A deep copy: the edit never reaches the original's objects.
        var copy = new SwarmRunState
        {
            RunId = options?.RunId ?? Guid.NewGuid().ToString("N"),
            Graph = JsonSerializer.Deserialize(JsonSerializer.Serialize(source.Graph, DurableJsonContext.Default.TaskGraph), DurableJsonContext.Default.TaskGraph)!,
            Status = SwarmRunStatus.Running,
            StartedAt = timeProvider.GetUtcNow(),
            UpdatedAt = timeProvider.GetUtcNow(),
            Steps = JsonSerializer.Deserialize(JsonSerializer.Serialize([.. source.Steps], DurableJsonContext.Default.ListStepRecord), DurableJsonContext.Default.ListStepRecord)!,
        };
        edit?.Invoke(copy);
        if (string.Equals(copy.RunId, runId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A fork needs a new run id; '{runId}' is the original's.", nameof(options));
        }

        if (executor is SwarmExecutor swarmExecutor)
        {
            swarmExecutor.Validator.EnsureValid(copy.Graph);
        }

        if (await store.LoadAtAsync(copy.RunId, 0, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new ArgumentException($"The checkpoint store already has a run '{copy.RunId}'.", nameof(options));
        }

        await store.ForkRunAsync(copy, runId, checkpoint, cancellationToken).ConfigureAwait(false);
        Log.RunForked(runtime.Logger, copy.RunId, runId, checkpoint);
        return await executor.RunAsync(copy.Graph, new SwarmRunOptions { RunId = copy.RunId, ResumeFrom = copy, WorkspaceDirectory = options?.WorkspaceDirectory }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RetentionReport> PruneAsync(CheckpointRetention retention, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(retention);
        if (retention.KeepLastCheckpointsPerRun is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), retention.KeepLastCheckpointsPerRun, "CheckpointRetention.KeepLastCheckpointsPerRun must be at least 1.");
        }

        if (retention.MaxRunAge is { } age && age < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), age, "CheckpointRetention.MaxRunAge must not be negative.");
        }

        return await runtime.RequireStore().PruneAsync(retention, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SwarmRunState> LoadAsync(IDurableCheckpointStore store, string runId, int? checkpoint, CancellationToken cancellationToken)
    {
        var state = checkpoint is { } n
            ? await store.LoadAtAsync(runId, n, cancellationToken).ConfigureAwait(false)
            : await store.LoadAsync(runId, cancellationToken).ConfigureAwait(false);
        return state ?? throw new KeyNotFoundException($"The checkpoint store has no run '{runId}'.");
    }
}
