namespace Swarm;

/// <summary>The limits of a run; every limit that is set must be positive.</summary>
public sealed class TaskBudget
{
    /// <summary>Gets or sets the most step attempts the run may make, or <see langword="null"/> for no limit.</summary>
    public int? MaxSteps { get; set; }

    /// <summary>Gets or sets the most model tokens the run may spend, or <see langword="null"/> for no limit.</summary>
    public long? MaxTokens { get; set; }

    /// <summary>Gets or sets the most the run may cost (in the host's currency unit), or <see langword="null"/> for no limit.</summary>
    public decimal? MaxCost { get; set; }

    /// <summary>Gets or sets the longest the run may take, or <see langword="null"/> for no limit.</summary>
    public TimeSpan? MaxDuration { get; set; }
}
