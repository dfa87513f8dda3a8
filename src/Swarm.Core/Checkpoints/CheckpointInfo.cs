namespace Swarm;

/// <summary>One checkpoint of a run: the state after a step completed. Checkpoint <c>N</c> holds the first <c>N</c> completed steps.</summary>
public sealed class CheckpointInfo
{
    /// <summary>Gets the run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the checkpoint's number in its run (1-based, in completion order).</summary>
    public required int Sequence { get; init; }

    /// <summary>Gets the id of the step whose completion made the checkpoint.</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the step's final status.</summary>
    public StepStatus Status { get; init; }

    /// <summary>Gets when the checkpoint was committed.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
