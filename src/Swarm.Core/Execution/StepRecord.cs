namespace Swarm;

/// <summary>What happened to one step of a run: status, output, attempts, measured timing, spawned children and routing decisions.</summary>
/// <remarks>Serializable with <see cref="SwarmJson.Options"/>; the executor checkpoints one record per completed step.</remarks>
public sealed class StepRecord
{
    /// <summary>Gets the step's id (nested graph steps are not listed; see <see cref="SubRun"/>).</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the id of the step that spawned this one, or <see langword="null"/> for a step of the graph itself.</summary>
    public string? ParentStepId { get; init; }

    /// <summary>Gets the ids of the steps this step waited for.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Gets the step's kind.</summary>
    public StepKind Kind { get; init; }

    /// <summary>Gets the role of the last attempt.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the final status.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>Gets the number of attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the step's output, when it succeeded.</summary>
    public string? Output { get; init; }

    /// <summary>Gets the files the step produced, relative to the workspace.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets when the first attempt started, as an offset from the run's start.</summary>
    public TimeSpan StartOffset { get; init; }

    /// <summary>Gets the measured time from the first attempt's start to the step's completion (children and retries included).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Gets the measured time the step's own attempts took (handler and gates; children excluded).</summary>
    public TimeSpan WorkDuration { get; init; }

    /// <summary>Gets the steps this step spawned at run time (dynamic decomposition).</summary>
    public IReadOnlyList<TaskStep> SpawnedSteps { get; init; } = [];

    /// <summary>Gets the failures of the step's attempts, oldest first.</summary>
    public IReadOnlyList<StepFailure> Failures { get; init; } = [];

    /// <summary>Gets the failure router's decisions for the step, oldest first.</summary>
    public IReadOnlyList<FailureDecision> Decisions { get; init; } = [];

    /// <summary>Gets the metrics of the nested run, for a <see cref="StepKind.Graph"/> step.</summary>
    public SwarmRunMetrics? SubRun { get; init; }
}
