namespace Swarm;

/// <summary>The executor's bookkeeping for one step of a run.</summary>
internal sealed class StepNode(TaskStep step, string qualifiedId, StepNode? parent)
{
    public readonly TaskStep Step = step;
    public readonly string QualifiedId = qualifiedId;
    public readonly StepNode? Parent = parent;

    /// <summary>Dependencies not yet succeeded (plus a guard while wiring).</summary>
    public int Pending;

    /// <summary>1 for the step's own attempts plus one per outstanding child.</summary>
    public int Barrier = 1;

    /// <summary>Set once the node has a final status (0/1), for exactly-once completion.</summary>
    public int Completed;

    public StepStatus Status;
    public List<StepNode>? Dependents;
    public List<StepNode>? Children;
    public bool AttemptsEnded;

    /// <summary>Set (under the node's lock, with <see cref="Status"/>) once its dependents have been released or skipped.</summary>
    public bool Released;
    public string? Role;
    public int Attempts;
    public string? Output;
    public IReadOnlyList<string> Files = [];
    public long StartTimestamp;
    public TimeSpan StartOffset;
    public TimeSpan Work;
    public StepFailure? OwnFailure;
    public StepFailure? ChildFailure;
    public List<StepFailure>? Failures;
    public List<FailureDecision>? Decisions;
    public List<TaskStep>? Spawned;
    public SwarmRunMetrics? SubRun;
    public StepRecord? Record;

    public string Id => Step.Id;
}
