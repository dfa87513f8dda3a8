namespace Swarm;

/// <summary>How severe a gate diagnostic is.</summary>
public enum GateSeverity
{
    /// <summary>A style suggestion.</summary>
    Style,

    /// <summary>Information.</summary>
    Info,

    /// <summary>A warning.</summary>
    Warning,

    /// <summary>An error.</summary>
    Error,
}
