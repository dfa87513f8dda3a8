using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Execution;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task RunAsync_FailureDecisions_AreLoggedTracedAndCountedWithTheReason()
    {
        var collector = new FakeLogCollector();
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SwarmDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, _) =>
            ctx.Attempt == 1 ? throw new StepFailureException(FailureCategory.Logic, "off by one") : ValueTask.FromResult(new StepOutput("ok")));
        await using var host = new SwarmHost(s =>
        {
            s.AddSingleton<IStepHandler>(handler);
            s.AddMetrics();
            s.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        });
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var decisions = new MetricCollector<long>(meterFactory, SwarmDiagnostics.MeterName, SwarmDiagnostics.FailureDecisions);
        using var escalated = new MetricCollector<long>(meterFactory, SwarmDiagnostics.MeterName, SwarmDiagnostics.StepsEscalated);
        using var durations = new MetricCollector<double>(meterFactory, SwarmDiagnostics.MeterName, SwarmDiagnostics.StepDuration);

        var result = await host.Executor.RunAsync(Graph(Step("a")));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        var routed = Assert.Single(collector.GetSnapshot(), r => r.Message.Contains("failure routed", StringComparison.Ordinal));
        Assert.Contains("Escalate to coder because Logic failure as 'worker'", routed.Message, StringComparison.Ordinal);
        var failed = Assert.Single(collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Swarm.StepFailureException: off by one", failed.Message, StringComparison.Ordinal);
        var measurement = Assert.Single(decisions.GetMeasurementSnapshot());
        Assert.Equal("Escalate", measurement.Tags[SwarmDiagnostics.FailureActionTag]);
        Assert.Equal("Logic", measurement.Tags[SwarmDiagnostics.FailureCategoryTag]);
        Assert.Equal(1, escalated.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Single(durations.GetMeasurementSnapshot());
        Activity[] spans;
        lock (activities)
        {
            spans = [.. activities.Where(a => (string?)a.GetTagItem(SwarmDiagnostics.RunIdTag) == result.RunId)];
        }

        var run = Assert.Single(spans, a => a.OperationName == SwarmDiagnostics.RunActivityName);
        var steps = spans.Where(a => a.OperationName == SwarmDiagnostics.StepActivityName).ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(run.SpanId, s.ParentSpanId));
        var decisionEvent = Assert.Single(steps[0].Events, e => e.Name == SwarmDiagnostics.FailureDecisionEventName);
        Assert.Contains(decisionEvent.Tags, t => t.Key == SwarmDiagnostics.FailureReasonTag && ((string)t.Value!).Contains("escalate to 'coder'", StringComparison.Ordinal));
    }
}
