using System.Diagnostics;

namespace Swarm.Gates;

/// <summary>Names of the traces and metrics Swarm.Gates emits.</summary>
/// <remarks>Subscribe with the wildcard <c>Swarm.*</c> or these exact names.</remarks>
public static class GatesDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: one span per gate and per process.</summary>
    public const string ActivitySourceName = "Swarm.Gates";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name.</summary>
    public const string MeterName = "Swarm.Gates";

    /// <summary>Counter of gate evaluations, tagged <c>swarm.gate.name</c> and <c>swarm.gate.outcome</c> (passed, failed, skipped).</summary>
    public const string GateRunsInstrument = "swarm.gate.runs";

    /// <summary>Counter of failed gate evaluations, tagged <c>swarm.gate.name</c> and <c>swarm.failure.category</c>.</summary>
    public const string GateFailuresInstrument = "swarm.gate.failures";

    /// <summary>Histogram of gate durations in seconds, tagged <c>swarm.gate.name</c>.</summary>
    public const string GateDurationInstrument = "swarm.gate.duration";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
