using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

public sealed class RetentionTests
{
    private static DelegateStepHandler Handler() => new(StepKind.Llm, async (ctx, ct) =>
        ctx.Step.Instruction.Contains("ask", StringComparison.Ordinal) ? new StepOutput(await ctx.InterruptAsync("ok?", cancellationToken: ct)) : new StepOutput("out-" + ctx.StepId));

    private static TaskGraph Chain(int n, string? askAt = null) =>
        Graph([.. Enumerable.Range(0, n).Select(i => new TaskStep { Id = "s" + i, Role = "worker", Instruction = "s" + i == askAt ? "ask" : "do", DependsOn = i == 0 ? [] : ["s" + (i - 1)] })]);

    [Fact]
    public async Task PruneAsync_KeepLastCheckpoints_CompactsFinishedRuns_FinalStateIntact()
    {
        using var dir = new TempDirectory();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Handler()));
        Assert.Equal(SwarmRunStatus.Succeeded, (await host.Executor.RunAsync(Chain(6), new SwarmRunOptions { RunId = "done" })).Status);

        var report = await host.Manager().PruneAsync(new CheckpointRetention { KeepLastCheckpointsPerRun = 2 });

        Assert.Equal(4, report.CheckpointsCompacted);
        Assert.Equal([5, 6], (await host.Manager().ListCheckpointsAsync("done")).Select(c => c.Sequence));
        var state = await host.Manager().GetStateAsync("done");
        Assert.Equal(6, state.Steps.Count);
        Assert.Equal(SwarmRunStatus.Succeeded, (await host.Manager().ResumeAsync("done")).Status);
        var compacted = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager().GetStateAsync("done", 2));
        Assert.Contains("compacted", compacted.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await host.Manager().GetStateAsync("done", 5)).Steps.Count);
    }

    [Fact]
    public async Task PruneAsync_NeverRemovesARunWithAPendingInterrupt_CompactsItWithoutLosingWhatItResumesFrom()
    {
        using var dir = new TempDirectory();
        var clock = SwarmHost.NewClock();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Handler()), timeProvider: clock);
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Executor.RunAsync(Chain(5, askAt: "s3"), new SwarmRunOptions { RunId = "waiting" })).Status);
        Assert.Equal(SwarmRunStatus.Succeeded, (await host.Executor.RunAsync(Chain(5), new SwarmRunOptions { RunId = "old" })).Status);
        clock.Advance(TimeSpan.FromDays(30));

        var report = await host.Manager().PruneAsync(new CheckpointRetention { KeepLastCheckpointsPerRun = 1, MaxRunAge = TimeSpan.FromDays(7) });

        Assert.Equal(1, report.RunsRemoved);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().GetStateAsync("old"));
        Assert.Equal([3], (await host.Manager().ListCheckpointsAsync("waiting")).Select(c => c.Sequence));
        Assert.Equal(["s0", "s1", "s2"], (await host.Manager().GetStateAsync("waiting")).Steps.Select(r => r.StepId).Order());
        var pending = Assert.Single(await host.Manager().ListInterruptsAsync("waiting"));
        var resumed = await host.Manager().ResumeAsync("waiting", new Dictionary<string, string> { [pending.InterruptId] = "yes" });
        Assert.Equal(SwarmRunStatus.Succeeded, resumed.Status);
        Assert.Equal("yes", resumed.GetOutput("s3"));
    }

    [Fact]
    public async Task PruneAsync_BadRetention_ThrowsArgumentOutOfRange()
    {
        using var dir = new TempDirectory();
        await using var host = DurableHost.Create(dir.File("c.db"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Manager().PruneAsync(new CheckpointRetention { KeepLastCheckpointsPerRun = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Manager().PruneAsync(new CheckpointRetention { MaxRunAge = TimeSpan.FromDays(-1) }));
    }
}
