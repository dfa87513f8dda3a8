namespace Swarm;

/// <summary>How a step's output is cached: the key is computed from the step's role, instruction, kind, tool, arguments and inputs.</summary>
public sealed class StepCachePolicy
{
    /// <summary>Gets or sets how long a stored output stays valid, or <see langword="null"/> for no limit (time from the host's <see cref="TimeProvider"/>).</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>Gets or sets a version folded into the cache key; change it to stop reusing older outputs.</summary>
    public string? Version { get; set; }
}
