namespace Swarm;

/// <summary>What a prune removed.</summary>
public sealed class RetentionReport
{
    /// <summary>Gets the number of runs removed.</summary>
    public int RunsRemoved { get; init; }

    /// <summary>Gets the number of checkpoints folded into a finished run's base state.</summary>
    public int CheckpointsCompacted { get; init; }

    /// <summary>Gets the number of expired cache entries removed.</summary>
    public int CacheEntriesRemoved { get; init; }

    /// <summary>Gets the number of finished tool-journal entries removed.</summary>
    public int ToolCallsRemoved { get; init; }
}
