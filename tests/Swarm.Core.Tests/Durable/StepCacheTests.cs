using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

public sealed class StepCacheTests
{
    private static DelegateStepHandler Counting(ConcurrentQueue<string> ran) => new(StepKind.Llm, (ctx, _) =>
    {
        ran.Enqueue(ctx.StepId);
        return ValueTask.FromResult(new StepOutput("answer to " + ctx.Step.Instruction + " with " + string.Join(",", ctx.Inputs.Values)));
    });

    private static TaskStep Cached(string id, string instruction, TimeSpan? ttl = null, params string[] dependsOn) =>
        new() { Id = id, Role = "worker", Instruction = instruction, DependsOn = [.. dependsOn], Cache = new StepCachePolicy { TimeToLive = ttl } };

    [Fact]
    public async Task RunAsync_IdenticalCachedStepInALaterRun_ReusesTheOutput_CountedAsAHitInMetricsAndTrace()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s =>
        {
            s.AddSingleton<IStepHandler>(Counting(ran));
            s.AddMetrics();
        });
        using var hits = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), SwarmDiagnostics.MeterName, SwarmDiagnostics.StepCacheHits);
        var tags = new ConcurrentDictionary<string, object?>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwarmDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(SwarmDiagnostics.RunIdTag) is "second" && activity.GetTagItem(SwarmDiagnostics.CacheHitTag) is { } hit)
                {
                    tags[(string)activity.GetTagItem(SwarmDiagnostics.StepIdTag)!] = hit;
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var first = await host.Executor.RunAsync(Graph(Cached("summary", "summarize the report"), Step("plain")), new SwarmRunOptions { RunId = "first" });
        var second = await host.Executor.RunAsync(Graph(Cached("summary", "summarize the report"), Step("plain")), new SwarmRunOptions { RunId = "second" });

        Assert.Equal(first.GetOutput("summary"), second.GetOutput("summary"));
        Assert.Equal(["plain", "plain", "summary"], ran.Order());
        Assert.Equal(1, hits.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(true, tags["summary"]);
    }

    [Fact]
    public async Task RunAsync_CachedStepWithDifferentInputsOrInstruction_RunsAgain()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Counting(ran)));

        await host.Executor.RunAsync(Graph(Cached("s", "summarize")), new SwarmRunOptions { RunId = "1" });
        await host.Executor.RunAsync(Graph(Cached("s", "summarize differently")), new SwarmRunOptions { RunId = "2" });
        await host.Executor.RunAsync(Graph(new TaskStep { Id = "src", Role = "worker", Instruction = "other input" }, Cached("s", "summarize", null, "src")), new SwarmRunOptions { RunId = "3" });

        Assert.Equal(3, ran.Count(id => id == "s"));
    }

    [Fact]
    public async Task RunAsync_CachedOutputPastItsTimeToLive_RunsAgain()
    {
        using var dir = new TempDirectory();
        var clock = SwarmHost.NewClock();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Counting(ran)), timeProvider: clock);
        var graph = Graph(Cached("s", "summarize", TimeSpan.FromHours(1)));

        await host.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "1" });
        clock.Advance(TimeSpan.FromMinutes(59));
        await host.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "2" });
        clock.Advance(TimeSpan.FromMinutes(2));
        await host.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "3" });

        Assert.Equal(2, ran.Count);
    }
}
