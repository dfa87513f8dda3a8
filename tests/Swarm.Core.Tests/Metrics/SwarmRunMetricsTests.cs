using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Metrics;

public sealed class SwarmRunMetricsTests
{
    private static readonly Dictionary<string, TimeSpan> Durations = new()
    {
        ["search"] = TimeSpan.FromSeconds(3),
        ["s1"] = TimeSpan.FromSeconds(15),
        ["s2"] = TimeSpan.FromSeconds(15),
        ["s3"] = TimeSpan.FromSeconds(15),
        ["s4"] = TimeSpan.FromSeconds(15),
        ["s5"] = TimeSpan.FromSeconds(15),
        ["analysis"] = TimeSpan.FromSeconds(10),
    };

    private static TaskGraph WorkedExample() => Graph(
        Step("search"),
        Step("s1", "search"),
        Step("s2", "search"),
        Step("s3", "search"),
        Step("s4", "search"),
        Step("s5", "search"),
        Step("analysis", "s1", "s2", "s3", "s4", "s5"));

    [Fact]
    public async Task RunAsync_WorkedExample_Swarm_Has3CriticalStepsAnd28Seconds()
    {
        var (result, _) = await RunOnFakeClockAsync(maxParallelAgents: 100, schedule: [(1, 3), (6, 15), (7, 10)]);

        var m = result.Metrics;
        Assert.Equal(7, m.TotalSteps);
        Assert.Equal(3, m.CriticalSteps);
        Assert.Equal(7.0 / 3, m.Parallelism, 6);
        // The seeds quote "sequential 93 s", but 3 + 5 x 15 + 10 = 88 s: the measured sum is 88 s.
        Assert.Equal(TimeSpan.FromSeconds(88), m.SequentialTime);
        Assert.Equal(TimeSpan.FromSeconds(28), m.CriticalPathTime);
        Assert.Equal(TimeSpan.FromSeconds(28), m.WallTime);
        Assert.Equal(1.0, m.SchedulingEfficiency, 6);
        Assert.Equal(88.0 / 28, m.TimeParallelism, 6);
        Assert.Equal(5, m.MaxConcurrency);
        Assert.Equal(3, m.CriticalPath.Count);
        Assert.Equal("search", m.CriticalPath[0]);
        Assert.Equal("analysis", m.CriticalPath[2]);
        Assert.False(m.SerialCollapse);
        Assert.False(m.FakeParallelism);
        Assert.Contains("3 critical", m.ToReport(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WorkedExample_OneAgent_IsSequential7StepsIn88SecondsAndFlagsSerialCollapse()
    {
        var (result, _) = await RunOnFakeClockAsync(maxParallelAgents: 1, schedule: [(1, 3), (2, 15), (3, 15), (4, 15), (5, 15), (6, 15), (7, 10)]);

        var m = result.Metrics;
        Assert.Equal(7, m.TotalSteps);
        Assert.Equal(3, m.CriticalSteps);
        Assert.Equal(TimeSpan.FromSeconds(88), m.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(88), m.SequentialTime);
        Assert.Equal(TimeSpan.FromSeconds(28), m.CriticalPathTime);
        Assert.Equal(1, m.MaxConcurrency);
        Assert.True(m.SerialCollapse);
        Assert.Contains("executed serially", Assert.Single(m.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_WorkedExample_IsChromeTraceEventJsonWithOneCompleteEventPerStep()
    {
        var (result, _) = await RunOnFakeClockAsync(maxParallelAgents: 100, schedule: [(1, 3), (6, 15), (7, 10)]);

        using var trace = JsonDocument.Parse(ChromeTraceExporter.Export(result));

        var events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        var steps = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() != "run").ToList();
        Assert.Equal(7, steps.Count);
        var analysis = steps.Single(e => e.GetProperty("name").GetString() == "analysis");
        Assert.Equal(18_000_000, analysis.GetProperty("ts").GetDouble());
        Assert.Equal(10_000_000, analysis.GetProperty("dur").GetDouble());
        var summaryLanes = steps.Where(e => e.GetProperty("name").GetString()!.StartsWith('s') && e.GetProperty("name").GetString() != "search")
            .Select(e => e.GetProperty("tid").GetInt32()).Distinct().Count();
        Assert.Equal(5, summaryLanes);
        var run = events.Single(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "run");
        Assert.Equal(28_000_000, run.GetProperty("dur").GetDouble());
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "thread_name");
    }

    [Fact]
    public void Compute_SiblingWhoseOutputNothingConsumes_FlagsFakeParallelism()
    {
        var records = new[]
        {
            Record("root", 0, 1),
            Record("used", 1, 2, "root"),
            Record("ignored", 1, 2, "root"),
            Record("sink", 3, 1, "used"),
        };

        var m = SwarmRunMetrics.Compute(records, TimeSpan.FromSeconds(4));

        Assert.True(m.FakeParallelism);
        Assert.Equal(["ignored"], m.FakeParallelSteps);
        Assert.Equal(3, m.CriticalSteps);
    }

    [Fact]
    public void Compute_ChildrenThatRunAsAChain_FlagFakeParallelism()
    {
        var records = new[]
        {
            Record("parent", 0, 10),
            Child("c1", 1, 3, "parent"),
            Child("c2", 4, 3, "parent", "c1"),
        };

        var m = SwarmRunMetrics.Compute(records, TimeSpan.FromSeconds(10));

        Assert.True(m.FakeParallelism);
        Assert.Equal(["parent"], m.FakeParallelSteps);
        Assert.Equal(3, m.CriticalSteps);
        Assert.Equal(3, m.TotalSteps);
        Assert.Equal(2, m.SubAgentSteps);
    }

    [Fact]
    public void Compute_SkippedSteps_DoNotCount()
    {
        var records = new[]
        {
            Record("a", 0, 1),
            new StepRecord { StepId = "b", Status = StepStatus.Skipped, DependsOn = ["a"] },
        };

        var m = SwarmRunMetrics.Compute(records, TimeSpan.FromSeconds(1));

        Assert.Equal(1, m.TotalSteps);
        Assert.Equal(1, m.CriticalSteps);
    }

    private static StepRecord Record(string id, double start, double seconds, params string[] dependsOn) => Child(id, start, seconds, null, dependsOn);

    private static StepRecord Child(string id, double start, double seconds, string? parent, params string[] dependsOn) => new()
    {
        StepId = id,
        ParentStepId = parent,
        Status = StepStatus.Succeeded,
        Attempts = 1,
        DependsOn = dependsOn,
        StartOffset = TimeSpan.FromSeconds(start),
        Duration = TimeSpan.FromSeconds(seconds),
        WorkDuration = TimeSpan.FromSeconds(seconds),
    };

    /// <summary>Runs the worked example with each step waiting its duration on a fake clock; the clock advances when the expected number of steps wait.</summary>
    private static async Task<(SwarmRunResult Result, int Registered)> RunOnFakeClockAsync(int maxParallelAgents, (int Waiting, int Seconds)[] schedule)
    {
        var clock = SwarmHost.NewClock();
        var registered = 0;
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            var delay = Task.Delay(Durations[ctx.StepId], clock, ct);
            Interlocked.Increment(ref registered);
            await delay;
            return new StepOutput(ctx.StepId);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), o => o.MaxParallelAgents = maxParallelAgents, clock);

        var run = host.Executor.RunAsync(WorkedExample());
        foreach (var (waiting, seconds) in schedule)
        {
            await Execution.SwarmExecutorTests.WaitUntil(() => Volatile.Read(ref registered) == waiting);
            clock.Advance(TimeSpan.FromSeconds(seconds));
        }

        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        return (result, registered);
    }
}
