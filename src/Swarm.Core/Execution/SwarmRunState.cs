namespace Swarm;

/// <summary>A serializable snapshot of a run: its graph and the records of its completed steps; what a checkpoint store keeps and a resumed run starts from.</summary>
/// <remarks>Serialize with <see cref="SwarmJson.Options"/>. Not thread-safe.</remarks>
public sealed class SwarmRunState
{
    /// <summary>Gets or sets the run's id.</summary>
    public string RunId { get; set; } = string.Empty;

    /// <summary>Gets or sets the graph the run executes (without the children spawned at run time; those are in the records).</summary>
    public TaskGraph Graph { get; set; } = new();

    /// <summary>Gets or sets the run's status.</summary>
    public SwarmRunStatus Status { get; set; }

    /// <summary>Gets or sets when the run started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>Gets or sets when the state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Gets or sets the records of the completed steps, in completion order.</summary>
    public IList<StepRecord> Steps { get; set; } = [];
}
