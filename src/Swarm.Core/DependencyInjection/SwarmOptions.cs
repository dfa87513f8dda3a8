namespace Swarm;

/// <summary>Options of the Swarm executor.</summary>
public sealed class SwarmOptions
{
    /// <summary>Gets or sets how many agents (steps) may run at once.</summary>
    /// <value>The default value is 100.</value>
    public int MaxParallelAgents { get; set; } = 100;
}
