namespace Swarm;

/// <summary>What <see cref="ISwarmRunManager.PruneAsync"/> removes: history a finished run no longer needs.</summary>
/// <remarks>
/// Retention never removes a run that can still resume (status <see cref="SwarmRunStatus.Running"/> or
/// <see cref="SwarmRunStatus.Interrupted"/>) or that has a pending interrupt, nor the checkpoints such a run resumes from.
/// </remarks>
public sealed class CheckpointRetention
{
    /// <summary>Gets or sets how many checkpoints of a finished run stay addressable for time travel (the newest ones); the run's final state is always kept.</summary>
    /// <value>The default value is <see langword="null"/>: all.</value>
    public int? KeepLastCheckpointsPerRun { get; set; }

    /// <summary>Gets or sets the age after which a finished run is removed entirely (with its checkpoints, interrupts and tool journal).</summary>
    /// <value>The default value is <see langword="null"/>: runs are not removed by age.</value>
    public TimeSpan? MaxRunAge { get; set; }
}
