namespace Swarm.Inference;

/// <summary>How <see cref="MoeTrimmingAnalyzer"/> measures speed.</summary>
/// <remarks>Not thread-safe; read once per measurement.</remarks>
public sealed class MoeTrimmingOptions
{
    /// <summary>Gets or sets the tokens generated greedily per speed run.</summary>
    /// <value>The default value is 32.</value>
    public int GeneratedTokens { get; set; } = 32;

    /// <summary>Gets or sets the speed runs per experts-used value (the median is reported).</summary>
    /// <value>The default value is 3.</value>
    public int SpeedRuns { get; set; } = 3;

    /// <summary>Gets or sets the threads per decode.</summary>
    /// <value>The default value is 1.</value>
    public int ThreadCount { get; set; } = 1;

    /// <summary>Gets or sets the clock for the speed runs.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
