using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

public sealed class InterruptTests
{
    private static DelegateStepHandler Asking(ConcurrentQueue<string> ran) => new(StepKind.Llm, async (ctx, ct) =>
    {
        ran.Enqueue(ctx.StepId);
        if (ctx.StepId.StartsWith('q'))
        {
            var answer = await ctx.InterruptAsync("What for " + ctx.StepId + "?", cancellationToken: ct);
            return new StepOutput(answer);
        }

        return new StepOutput(string.Join(",", ctx.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)));
    });

    [Fact]
    public async Task InterruptAsync_Unanswered_RunEndsInterruptedWithThePendingQuestionListed()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Asking(ran)));

        var result = await host.Executor.RunAsync(Graph(Step("q1"), Step("after", "q1"), Step("other")), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
        Assert.Equal(StepStatus.Succeeded, result.Steps.Single(s => s.StepId == "other").Status);
        Assert.DoesNotContain("after", ran);
        var pending = Assert.Single(await host.Manager().ListInterruptsAsync("r"));
        Assert.Equal("q1#1", pending.InterruptId);
        Assert.Equal("q1", pending.StepId);
        Assert.Equal("What for q1?", pending.Question);
        Assert.Equal(InterruptStatus.Pending, pending.Status);
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Manager().GetStateAsync("r")).Status);
    }

    [Fact]
    public async Task InterruptAsync_InsideANestedGraph_SuspendsTheGraphStep_ResumeWithTheAnswerCompletesIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var ran = new ConcurrentQueue<string>();
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            ran.Enqueue(ctx.StepId);
            return ctx.Step.Id.StartsWith('q')
                ? new StepOutput("answer: " + await ctx.InterruptAsync("Which one?", cancellationToken: ct))
                : new StepOutput(string.Join(",", ctx.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)));
        });
        var graph = Graph(new TaskStep { Id = "sub", Kind = StepKind.Graph, Role = "worker", Graph = Graph(Step("q1"), Step("use", "q1")) }, Step("final", "sub"));

        await using (var first = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(handler)))
        {
            var result = await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" });
            Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
            var pending = Assert.Single(await first.Manager().ListInterruptsAsync("r"));
            Assert.Equal(("sub/q1#1", "sub/q1", "Which one?"), (pending.InterruptId, pending.StepId, pending.Question));
            Assert.DoesNotContain("final", ran);
        }

        await using var second = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(handler));
        var resumed = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { ["sub/q1#1"] = "the blue one" });

        Assert.Equal(SwarmRunStatus.Succeeded, resumed.Status);
        Assert.Equal("answer: the blue one", resumed.GetOutput("final"));
        Assert.Empty(await second.Manager().ListInterruptsAsync("r"));
    }

    [Fact]
    public async Task ResumeAsync_ParallelInterruptsAnsweredInAnyOrderAcrossRestarts_NoneLostNoneAskedAgain()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var graph = Graph(Step("q1"), Step("q2"), Step("q3"), Step("final", "q1", "q2", "q3"));
        var ran = new ConcurrentQueue<string>();

        await using (var first = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(Asking(ran))))
        {
            var result = await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" });
            Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
            Assert.Equal(["q1#1", "q2#1", "q3#1"], (await first.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId).Order());

            // One answer before the process goes away.
            await first.Manager().AnswerAsync("r", "q2#1", "b");
        }

        ran.Clear();
        await using (var second = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(Asking(ran))))
        {
            Assert.Equal(["q1#1", "q3#1"], (await second.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId).Order());

            // Another with the resume, after the restart; q1 stays unanswered.
            var result = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { ["q3#1"] = "c" });
            Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
            Assert.Equal("b", result.GetOutput("q2"));
            Assert.Equal("c", result.GetOutput("q3"));
            Assert.Equal(["q1#1"], (await second.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId));
        }

        ran.Clear();
        await using var third = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(Asking(ran)));
        var done = await third.Manager().ResumeAsync("r", new Dictionary<string, string> { ["q1#1"] = "a" });

        Assert.Equal(SwarmRunStatus.Succeeded, done.Status);
        Assert.Equal("a,b,c", done.GetOutput("final"));
        Assert.Equal(["final", "q1"], ran.Order());
        var all = await third.Manager().ListInterruptsAsync("r", status: null);
        Assert.Equal(3, all.Count);
        Assert.All(all, i => Assert.Equal(InterruptStatus.Answered, i.Status));
        Assert.Equal(["a", "b", "c"], all.OrderBy(i => i.InterruptId, StringComparer.Ordinal).Select(i => i.Answer));
        Assert.Empty(await third.Manager().ListInterruptsAsync("r"));
    }

    [Fact]
    public async Task InterruptAsync_AnswerArrivesWhileTheStepWaits_TheSameRunContinues()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Asking(ran)), o => o.Checkpoints.InterruptWait = TimeSpan.FromMinutes(10));

        var run = host.Executor.RunAsync(Graph(Step("q1"), Step("final", "q1")), new SwarmRunOptions { RunId = "r" });
        IReadOnlyList<SwarmInterrupt> pending;
        while ((pending = await host.Manager().ListInterruptsAsync("r")).Count == 0)
        {
            await Task.Delay(5);
        }

        await host.Manager().AnswerAsync("r", pending[0].InterruptId, "yes");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("yes", result.GetOutput("final"));
        Assert.Equal(["final", "q1"], ran.Order());
    }

    [Fact]
    public async Task ResumeAsync_InterruptExpired_FailPolicy_FailsTheStepAsTimeout()
    {
        using var dir = new TempDirectory();
        var clock = SwarmHost.NewClock();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Asking(ran)), o => o.Checkpoints.InterruptTimeout = TimeSpan.FromHours(1), clock, b => b.ConfigureFailureRouting(f => f.Policies.Clear()));
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Executor.RunAsync(Graph(Step("q1")), new SwarmRunOptions { RunId = "r" })).Status);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), Assert.Single(await host.Manager().ListInterruptsAsync("r")).ExpiresAt);

        clock.Advance(TimeSpan.FromHours(2));
        var result = await host.Manager().ResumeAsync("r");

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(FailureCategory.Timeout, Assert.Single(result.Failures).Category);
        Assert.Equal(InterruptStatus.Expired, Assert.Single(await host.Manager().ListInterruptsAsync("r", status: null)).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager().AnswerAsync("r", "q1#1", "too late"));
    }

    [Fact]
    public async Task ResumeAsync_InterruptExpired_UseDefaultAnswer_ContinuesWithTheDefault()
    {
        using var dir = new TempDirectory();
        var clock = SwarmHost.NewClock();
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) => new StepOutput(await ctx.InterruptAsync("Proceed?", defaultAnswer: "proceed", ct)));
        await using var host = DurableHost.Create(
            dir.File("c.db"),
            s => s.AddSingleton<IStepHandler>(handler),
            o =>
            {
                o.Checkpoints.InterruptTimeout = TimeSpan.FromMinutes(30);
                o.Checkpoints.OnInterruptTimeout = InterruptTimeoutAction.UseDefaultAnswer;
            },
            clock);
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Executor.RunAsync(Graph(Step("ask")), new SwarmRunOptions { RunId = "r" })).Status);

        clock.Advance(TimeSpan.FromMinutes(31));
        var result = await host.Manager().ResumeAsync("r");

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("proceed", result.GetOutput("ask"));
    }

    [Fact]
    public async Task AnswerAsync_BadAnswers_AreRejectedByName_AndAStoredAnswerIsFinal()
    {
        using var dir = new TempDirectory();
        var ran = new ConcurrentQueue<string>();
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<IStepHandler>(Asking(ran)));
        await host.Executor.RunAsync(Graph(Step("q1"), Step("q2")), new SwarmRunOptions { RunId = "r" });

        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().AnswerAsync("r", "zz#1", "x"));
        Assert.Contains("'zz#1'", unknown.Message, StringComparison.Ordinal);

        // A resume with one bad answer stores none of its answers.
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().ResumeAsync("r", new Dictionary<string, string> { ["q1#1"] = "a", ["nope#1"] = "b" }));
        Assert.Equal(2, (await host.Manager().ListInterruptsAsync("r")).Count);

        await host.Manager().AnswerAsync("r", "q1#1", "a");
        await host.Manager().AnswerAsync("r", "q1#1", "a");
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager().AnswerAsync("r", "q1#1", "b"));
        Assert.Contains("already answered", changed.Message, StringComparison.Ordinal);
        Assert.Equal("a", (await host.Manager().ListInterruptsAsync("r", InterruptStatus.Answered)).Single().Answer);
    }

    [Fact]
    public async Task InterruptAsync_WithoutDurableStore_FailsTheStepSayingWhatToConfigure()
    {
        var ran = new ConcurrentQueue<string>();
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(Asking(ran)), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));

        var result = await host.Executor.RunAsync(Graph(Step("q1")));

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Contains("Checkpoints.Path", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InterruptAsync_FromAToolThroughTheManager_ApprovalGateSuspendsThenRunsOnYes()
    {
        using var dir = new TempDirectory();
        var deployed = 0;
        IServiceProvider? services = null;
        var deploy = new DelegateTool(
            "deploy",
            async (invocation, ct) =>
            {
                // An approval gate inside a tool: high risk waits for a human.
                var manager = services!.GetRequiredService<ISwarmRunManager>();
                var answer = await manager.InterruptAsync(invocation.RunId!, invocation.StepId, invocation.StepId + "#approve-deploy", "Deploy build 7 to production?", cancellationToken: ct);
                if (answer != "yes")
                {
                    return ToolResult.Failure(FailureCategory.Logic, "deployment not approved");
                }

                Interlocked.Increment(ref deployed);
                return ToolResult.Success("deployed");
            },
            idempotent: false);
        await using (var first = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<ITool>(deploy)))
        {
            services = first.Services;
            Assert.Equal(SwarmRunStatus.Interrupted, (await first.Executor.RunAsync(Graph(Tool("ship", "deploy")), new SwarmRunOptions { RunId = "r" })).Status);
        }

        // After a restart: the suspended call was not "in flight", so only the deploy question is pending.
        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<ITool>(deploy));
        services = host.Services;
        var pending = Assert.Single(await host.Manager().ListInterruptsAsync("r"));
        Assert.Equal("ship#approve-deploy", pending.InterruptId);
        Assert.Equal(0, deployed);

        var result = await host.Manager().ResumeAsync("r", new Dictionary<string, string> { [pending.InterruptId] = "yes" });

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("deployed", result.GetOutput("ship"));
        Assert.Equal(1, deployed);
    }

    [Fact]
    public async Task InterruptAsync_FromAToolInsideANestedGraph_AsksUnderTheTopLevelRun_ResumeRunsItOnce()
    {
        using var dir = new TempDirectory();
        var deployed = 0;
        IServiceProvider? services = null;
        var deploy = new DelegateTool(
            "deploy",
            async (invocation, ct) =>
            {
                var manager = services!.GetRequiredService<ISwarmRunManager>();
                var answer = await manager.InterruptAsync(invocation.RunId!, invocation.StepId, invocation.StepId + "#approve-deploy", "Deploy?", cancellationToken: ct);
                Interlocked.Increment(ref deployed);
                return ToolResult.Success("deployed: " + answer);
            },
            idempotent: false);
        var graph = Graph(new TaskStep { Id = "release", Kind = StepKind.Graph, Role = "worker", Graph = Graph(Tool("ship", "deploy")) });
        await using (var first = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<ITool>(deploy)))
        {
            services = first.Services;
            Assert.Equal(SwarmRunStatus.Interrupted, (await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" })).Status);
        }

        await using var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<ITool>(deploy));
        services = host.Services;
        var pending = Assert.Single(await host.Manager().ListInterruptsAsync("r"));
        Assert.Equal(("release/ship#approve-deploy", "release/ship"), (pending.InterruptId, pending.StepId));

        var result = await host.Manager().ResumeAsync("r", new Dictionary<string, string> { [pending.InterruptId] = "yes" });

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("deployed: yes", result.GetOutput("release"));
        Assert.Equal(1, deployed);
    }
}
