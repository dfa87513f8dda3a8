using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Swarm;

/// <summary>Swarm.Core's activity source and meter instruments.</summary>
internal sealed class SwarmInstruments : IDisposable
{
    public static readonly ActivitySource ActivitySource = new(SwarmDiagnostics.ActivitySourceName);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SwarmInstruments(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(SwarmDiagnostics.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(SwarmDiagnostics.MeterName);
        }

        StepsStarted = _meter.CreateCounter<long>(SwarmDiagnostics.StepsStarted, "{step}", "Step attempts started.");
        StepsSucceeded = _meter.CreateCounter<long>(SwarmDiagnostics.StepsSucceeded, "{step}", "Steps that succeeded.");
        StepsFailed = _meter.CreateCounter<long>(SwarmDiagnostics.StepsFailed, "{step}", "Step attempts that failed.");
        StepsRetried = _meter.CreateCounter<long>(SwarmDiagnostics.StepsRetried, "{step}", "Steps retried with the same role.");
        StepsEscalated = _meter.CreateCounter<long>(SwarmDiagnostics.StepsEscalated, "{step}", "Steps escalated to another role.");
        FailureDecisions = _meter.CreateCounter<long>(SwarmDiagnostics.FailureDecisions, "{decision}", "Failure-routing decisions.");
        StepDuration = _meter.CreateHistogram<double>(SwarmDiagnostics.StepDuration, "s", "Step duration, first attempt to completion.");
        RunDuration = _meter.CreateHistogram<double>(SwarmDiagnostics.RunDuration, "s", "Run wall time.");
        AutonomyDecisions = _meter.CreateCounter<long>(SwarmDiagnostics.AutonomyDecisions, "{decision}", "Autonomy-gate decisions on steps about to run.");
        AutonomyApprovals = _meter.CreateCounter<long>(SwarmDiagnostics.AutonomyApprovals, "{approval}", "Approval outcomes of steps that needed approval.");
    }

    public Counter<long> StepsStarted { get; }

    public Counter<long> StepsSucceeded { get; }

    public Counter<long> StepsFailed { get; }

    public Counter<long> StepsRetried { get; }

    public Counter<long> StepsEscalated { get; }

    public Counter<long> FailureDecisions { get; }

    public Histogram<double> StepDuration { get; }

    public Histogram<double> RunDuration { get; }

    public Counter<long> AutonomyDecisions { get; }

    public Counter<long> AutonomyApprovals { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
