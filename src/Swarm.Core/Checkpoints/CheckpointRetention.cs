namespace Swarm;

/// <summary>What <see cref="ISwarmRunManager.PruneAsync"/> removes: history a finished run no longer needs.</summary>
/// <remarks>
/// Retention never removes a run that can still resume (status <see cref="SwarmRunStatus.Running"/> or
/// <see cref="SwarmRunStatus.Interrupted"/>) or that has a pending interrupt, nor anything such a run resumes from: compacted
/// checkpoints are folded into the run's base state, which keeps the newest record of every step.
/// </remarks>
public sealed class CheckpointRetention
{
    /// <summary>Gets or sets how many checkpoints of each run, finished or resumable, stay addressable for time travel (the newest ones); older ones are folded into the run's base state, so its current state (and a resume) is always complete.</summary>
    /// <value>The default value is <see langword="null"/>: all.</value>
    public int? KeepLastCheckpointsPerRun { get; set; }

    /// <summary>Gets or sets the age after which a finished run is removed entirely (with its checkpoints, interrupts and tool journal).</summary>
    /// <value>The default value is <see langword="null"/>: runs are not removed by age.</value>
    public TimeSpan? MaxRunAge { get; set; }
}
