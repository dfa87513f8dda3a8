namespace Swarm;

/// <summary>One thing that happened in a run, streamed by <see cref="ISwarmExecutor.RunStreamingAsync"/> for progress displays and UIs.</summary>
public sealed class SwarmEvent
{
    /// <summary>Gets what the event reports.</summary>
    public required SwarmEventKind Kind { get; init; }

    /// <summary>Gets the run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets when the event happened.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the time since the run started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the step's id (nested graph steps read <c>parent/child</c>), for step events.</summary>
    public string? StepId { get; init; }

    /// <summary>Gets the role of the attempt (for escalations, the new role).</summary>
    public string? Role { get; init; }

    /// <summary>Gets the attempt (1-based), for step events.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets the measured duration of the step or attempt (or of the run, for <see cref="SwarmEventKind.RunCompleted"/>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets the failure, for <see cref="SwarmEventKind.StepFailed"/>.</summary>
    public StepFailure? Failure { get; init; }

    /// <summary>Gets the routing decision, for retries and escalations.</summary>
    public FailureDecision? Decision { get; init; }

    /// <summary>Gets the ids of the spawned steps, for <see cref="SwarmEventKind.ChildrenSpawned"/>.</summary>
    public IReadOnlyList<string>? ChildStepIds { get; init; }

    /// <summary>Gets the run's result, for <see cref="SwarmEventKind.RunCompleted"/>.</summary>
    public SwarmRunResult? Result { get; init; }

    /// <inheritdoc/>
    public override string ToString() => StepId is null ? $"[{Elapsed.TotalSeconds,8:F3}s] {Kind}" : $"[{Elapsed.TotalSeconds,8:F3}s] {Kind} {StepId} (attempt {Attempt}{(Role is null ? "" : ", " + Role)})";
}
