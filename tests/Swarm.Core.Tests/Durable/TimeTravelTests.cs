using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

public sealed class TimeTravelTests
{
    private static DelegateStepHandler Echo(ConcurrentQueue<string> ran) => new(StepKind.Llm, (ctx, _) =>
    {
        ran.Enqueue(ctx.StepId);
        return ValueTask.FromResult(new StepOutput(ctx.Step.Instruction + "(" + string.Join(",", ctx.Inputs.Values) + ")"));
    });

    private static TaskGraph Chain() => Graph(Step("a"), Step("b", "a"), Step("c", "b"), Step("d", "c"));

    private static async Task<SwarmHost> RunChainAsync(TempDirectory dir, ConcurrentQueue<string> ran)
    {
        var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Echo(ran)));
        var result = await host.Executor.RunAsync(Chain(), new SwarmRunOptions { RunId = "orig" });
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        ran.Clear();
        return host;
    }

    [Fact]
    public async Task ListCheckpointsAsync_ChainRun_OnePerCompletedStepInOrder()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);

        var checkpoints = await host.Manager().ListCheckpointsAsync("orig");

        Assert.Equal([1, 2, 3, 4], checkpoints.Select(c => c.Sequence));
        Assert.Equal(["a", "b", "c", "d"], checkpoints.Select(c => c.StepId));
        Assert.All(checkpoints, c => Assert.Equal(StepStatus.Succeeded, c.Status));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().ListCheckpointsAsync("missing"));
    }

    [Fact]
    public async Task GetStateAsync_AtCheckpoint_HoldsTheFirstNCompletedSteps()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);

        var state = await host.Manager().GetStateAsync("orig", 2);

        Assert.Equal(["a", "b"], state.Steps.Select(s => s.StepId));
        Assert.Equal(4, state.Graph.Steps.Count);
        Assert.Empty((await host.Manager().GetStateAsync("orig", 0)).Steps);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Manager().GetStateAsync("orig", 9));
    }

    [Fact]
    public async Task ReplayAsync_FromCheckpoint2_RunsOnlyTheLaterStepsAsANewRun_OriginalUntouched()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);
        var before = await host.Manager().GetStateAsync("orig");

        var replay = await host.Manager().ReplayAsync("orig", 2, new SwarmRunOptions { RunId = "replay" });

        Assert.Equal(SwarmRunStatus.Succeeded, replay.Status);
        Assert.Equal("replay", replay.RunId);
        Assert.Equal(["c", "d"], ran.Order());
        Assert.Equal(before.Steps.Single(s => s.StepId == "d").Output, replay.GetOutput("d"));
        var after = await host.Manager().GetStateAsync("orig");
        Assert.Equal(before.Steps.Select(s => (s.StepId, s.Output)), after.Steps.Select(s => (s.StepId, s.Output)));
        Assert.Equal(4, (await host.Manager().ListCheckpointsAsync("orig")).Count);
        Assert.Equal(4, (await host.Manager().ListCheckpointsAsync("replay")).Count);
    }

    [Fact]
    public async Task ForkAsync_EditedOutputAtCheckpoint_DependentsSeeTheEdit_OriginalUntouched()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);

        var fork = await host.Manager().ForkAsync(
            "orig",
            2,
            state =>
            {
                var b = state.Steps.Single(s => s.StepId == "b");
                state.Steps[state.Steps.IndexOf(b)] = new StepRecord { StepId = "b", Status = StepStatus.Succeeded, Attempts = 1, Output = "EDITED" };
            });

        Assert.Equal(SwarmRunStatus.Succeeded, fork.Status);
        Assert.NotEqual("orig", fork.RunId);
        Assert.Equal(["c", "d"], ran.Order());
        Assert.Equal("do d(do c(EDITED))", fork.GetOutput("d"));
        Assert.Equal("do d(do c(do b(do a())))", (await host.Manager().GetStateAsync("orig")).Steps.Single(s => s.StepId == "d").Output);
    }

    [Fact]
    public async Task ForkAsync_EditedStep_RunsTheEditedStepAndItsDependents()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);

        var fork = await host.Manager().ForkAsync(
            "orig",
            3,
            state =>
            {
                state.Graph.Steps.Single(s => s.Id == "b").Instruction = "redo b";
                var b = state.Steps.Single(s => s.StepId == "b");
                state.Steps.Remove(b);
                foreach (var later in state.Steps.Where(s => s.StepId is "c").ToList())
                {
                    state.Steps.Remove(later);
                }
            },
            new SwarmRunOptions { RunId = "fork" });

        Assert.Equal("fork", fork.RunId);
        Assert.Equal(["b", "c", "d"], ran.Order());
        Assert.Equal("do d(do c(redo b(do a())))", fork.GetOutput("d"));
        Assert.Equal("do b", (await host.Manager().GetStateAsync("orig")).Graph.Steps.Single(s => s.Id == "b").Instruction);
    }

    [Fact]
    public async Task ForkAsync_BadEdits_AreRejectedAndCreateNoRun()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = await RunChainAsync(dir, ran);

        await Assert.ThrowsAsync<TaskGraphValidationException>(() => host.Manager().ForkAsync("orig", 1, s => s.Graph.Steps.Single(x => x.Id == "a").DependsOn.Add("d"), new SwarmRunOptions { RunId = "cyclic" }));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().ListCheckpointsAsync("cyclic"));
        var same = await Assert.ThrowsAsync<ArgumentException>(() => host.Manager().ForkAsync("orig", 1, _ => { }, new SwarmRunOptions { RunId = "orig" }));
        Assert.Contains("new run id", same.Message, StringComparison.Ordinal);
        Assert.Empty(ran);
    }
}
