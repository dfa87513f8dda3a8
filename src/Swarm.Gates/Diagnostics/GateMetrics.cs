using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Swarm.Gates;

/// <summary>The gate instruments, one set per meter factory.</summary>
internal sealed class GateMetrics
{
    private static readonly ConditionalWeakTable<IMeterFactory, GateMetrics> ByFactory = [];
    private static readonly Lazy<GateMetrics> Standalone = new(() => new GateMetrics(new Meter(GatesDiagnostics.MeterName)));

    private readonly Counter<long> runs;
    private readonly Counter<long> failures;
    private readonly Histogram<double> duration;

    private GateMetrics(Meter meter)
    {
        runs = meter.CreateCounter<long>(GatesDiagnostics.GateRunsInstrument, "{run}", "Gate evaluations.");
        failures = meter.CreateCounter<long>(GatesDiagnostics.GateFailuresInstrument, "{failure}", "Failed gate evaluations by failure category.");
        duration = meter.CreateHistogram<double>(GatesDiagnostics.GateDurationInstrument, "s", "Gate evaluation duration.");
    }

    public static GateMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null
            ? Standalone.Value
            : ByFactory.GetValue(meterFactory, static f => new GateMetrics(f.Create(GatesDiagnostics.MeterName)));

    public void Record(GateResult result)
    {
        var gate = new KeyValuePair<string, object?>("swarm.gate.name", result.GateName);
        var outcome = result.SkippedReason is not null ? "skipped" : result.Passed ? "passed" : "failed";
        runs.Add(1, gate, new KeyValuePair<string, object?>("swarm.gate.outcome", outcome));
        if (!result.Passed)
        {
            failures.Add(1, gate, new KeyValuePair<string, object?>("swarm.failure.category", result.Category.ToString().ToUpperInvariant()));
        }

        duration.Record(result.Duration.TotalSeconds, gate);
    }
}
