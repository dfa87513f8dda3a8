using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Execution;

public sealed class SwarmExecutorTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_Chain_OutputsFlowToDependentsById()
    {
        await using var host = new SwarmHost();
        host.Chat.OnGetResponse = (messages, _, _) => Task.FromResult($"[{messages[^1].Text!.Split('\n')[0]}|{messages[^1].Text!.Length}]");

        var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b", "a"), Step("c", "b")));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        var requests = host.Chat.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Contains("## Input from step 'a'", requests[1][^1].Text, StringComparison.Ordinal);
        Assert.Contains(result.GetOutput("a")!, requests[1][^1].Text, StringComparison.Ordinal);
        Assert.Contains(result.GetOutput("b")!, requests[2][^1].Text, StringComparison.Ordinal);
        Assert.Equal("You are a worker of an agent swarm. Do the task you are given, precisely and briefly.", requests[0][0].Text);
    }

    [Fact]
    public async Task RunAsync_IndependentStepsListedInSequence_RunConcurrently()
    {
        // Each step waits until all four have started: only a concurrent schedule can finish.
        var started = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            if (Interlocked.Increment(ref started) == 4)
            {
                all.SetResult();
            }

            await all.Task.WaitAsync(Safety, ct);
            return new StepOutput(ctx.StepId);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));

        var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b"), Step("c"), Step("d"), Step("sink", "a", "b", "c", "d")));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(4, result.Metrics.CriticalSteps == 2 ? 4 : 0);
    }

    [Fact]
    public async Task RunAsync_StepStartsWhenItsOwnDependenciesAreDone_NotAtASuperstepBarrier()
    {
        // 'fast2' depends only on 'fast1'; 'slow' is still running when fast2 must start.
        var slowRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fast2Started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            switch (ctx.StepId)
            {
                case "slow":
                    await slowRelease.Task.WaitAsync(Safety, ct);
                    break;
                case "fast2":
                    fast2Started.SetResult();
                    break;
            }

            return new StepOutput(ctx.StepId);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));
        var run = host.Executor.RunAsync(Graph(Step("slow"), Step("fast1"), Step("fast2", "fast1"), Step("end", "slow", "fast2")));

        await fast2Started.Task.WaitAsync(Safety);
        Assert.False(run.IsCompleted);
        slowRelease.SetResult();
        var result = await run;

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
    }

    [Fact]
    public async Task RunAsync_MaxParallelAgents_IsNeverExceeded()
    {
        var running = 0;
        var peak = 0;
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            await Task.Delay(1, ct);
            Interlocked.Decrement(ref running);
            return StepOutput.Empty;
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), o => o.MaxParallelAgents = 3);

        var result = await host.Executor.RunAsync(Graph([.. Enumerable.Range(0, 30).Select(i => Step($"s{i}"))]));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public async Task RunAsync_MaxConcurrentToolCalls_LimitsToolCallsSeparately()
    {
        var running = 0;
        var peak = 0;
        var tool = new DelegateTool("slow", async (call, ct) =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref running));
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref running);
            return ToolResult.Success(call.StepId);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<ITool>(tool), o => { o.MaxParallelAgents = 20; o.MaxConcurrentToolCalls = 2; });

        var result = await host.Executor.RunAsync(Graph([.. Enumerable.Range(0, 12).Select(i => Tool($"t{i}", "slow"))]));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.InRange(peak, 1, 2);
        Assert.Equal("t3", result.GetOutput("t3"));
    }

    [Fact]
    public async Task RunAsync_ToolStep_PassesArgumentsInputsAndWorkspace()
    {
        ToolInvocation? seen = null;
        var tool = new DelegateTool("echo", (call, _) =>
        {
            seen = call;
            return ValueTask.FromResult(ToolResult.Success(call.Arguments["text"] + "+" + call.Inputs["a"]));
        });
        await using var host = new SwarmHost(s => s.AddSingleton<ITool>(tool), o => o.WorkspaceDirectory = "/tmp/ws");
        host.Chat.OnGetResponse = (_, _, _) => Task.FromResult("from-a");
        var step = Tool("t", "echo", "a");
        step.Args = new Dictionary<string, string> { ["text"] = "hi" };

        var result = await host.Executor.RunAsync(Graph(Step("a"), step));

        Assert.Equal("hi+from-a", result.GetOutput("t"));
        Assert.Equal("/tmp/ws", seen!.WorkspaceDirectory);
        Assert.Equal("t", seen.StepId);
    }

    [Fact]
    public async Task RunAsync_InvalidGraph_ThrowsBeforeRunningAnything()
    {
        await using var host = new SwarmHost();

        var ex = await Assert.ThrowsAsync<TaskGraphValidationException>(() => host.Executor.RunAsync(Graph(Step("a", "b"), Step("b", "a"), Tool("t", "nope"))));

        Assert.Contains(ex.Problems, p => p.Kind == TaskGraphProblemKind.Cycle);
        Assert.Contains(ex.Problems, p => p.Kind == TaskGraphProblemKind.UnknownTool && p.Name == "nope");
        Assert.Empty(host.Chat.Requests);
    }

    [Fact]
    public async Task RunAsync_UnknownRole_RejectedAgainstRegisteredRoles()
    {
        await using var host = new SwarmHost();
        var step = Step("a");
        step.Role = "poet";

        var ex = await Assert.ThrowsAsync<TaskGraphValidationException>(() => host.Executor.RunAsync(Graph(step)));

        Assert.Equal(TaskGraphProblemKind.UnknownRole, Assert.Single(ex.Problems).Kind);
    }

    [Fact]
    public async Task RunAsync_StepWithoutRole_UsesTheRoleRouter()
    {
        await using var host = new SwarmHost(swarm: b => b.ConfigureRoleRouting(r => r.Rules["summarize"] = "summarizer"));
        var step = new TaskStep { Id = "s", TaskType = "summarize", Instruction = "sum" };

        var result = await host.Executor.RunAsync(Graph(step));

        Assert.Equal("summarizer", result.GetStep("s")!.Role);
        Assert.Equal("You summarize.", host.Chat.Requests[0][0].Text);
    }

    [Fact]
    public async Task RunAsync_StepSpawnsChildren_ParentCompletesAfterThemAndDependentsSeeTheirOutputs()
    {
        var childrenDone = 0;
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
        {
            if (ctx.StepId == "plan")
            {
                ctx.SpawnChildren([Step("c1"), Step("c2"), Step("c3", "c1", "c2")]);
                return ValueTask.FromResult(new StepOutput("planned"));
            }

            if (ctx.StepId.StartsWith('c'))
            {
                Interlocked.Increment(ref childrenDone);
                return ValueTask.FromResult(new StepOutput("out-" + ctx.StepId));
            }

            Assert.Equal(3, Volatile.Read(ref childrenDone));
            return ValueTask.FromResult(new StepOutput(string.Join(",", ctx.Inputs.OrderBy(i => i.Key).Select(i => $"{i.Key}={i.Value}"))));
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));
        var events = new List<SwarmEvent>();

        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("plan"), Step("report", "plan"))))
        {
            events.Add(e);
        }

        var result = events[^1].Result!;
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("c1=out-c1,c2=out-c2,c3=out-c3,plan=planned", result.GetOutput("report"));
        Assert.Equal("plan", result.GetStep("c3")!.ParentStepId);
        Assert.Equal(["c1", "c2", "c3"], result.GetStep("plan")!.SpawnedSteps.Select(s => s.Id));
        var spawned = Assert.Single(events, e => e.Kind == SwarmEventKind.ChildrenSpawned);
        Assert.Equal(["c1", "c2", "c3"], spawned.ChildStepIds);
        Assert.Equal(5, result.Metrics.TotalSteps);
        Assert.Equal(4, result.Metrics.CriticalSteps); // plan (1 + c1|c2 -> c3 = 2) + report
        Assert.Equal(3, result.Metrics.SubAgentSteps);
    }

    [Fact]
    public async Task RunAsync_ChildDependingOnItsSpawner_IsRejectedAsACycle()
    {
        Exception? thrown = null;
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
        {
            if (ctx.StepId == "plan")
            {
                thrown = Record.Exception(() => ctx.SpawnChildren([Step("c1", "after")]));
            }

            return ValueTask.FromResult(StepOutput.Empty);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));

        var result = await host.Executor.RunAsync(Graph(Step("plan"), Step("after", "plan")));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        var ex = Assert.IsType<TaskGraphValidationException>(thrown);
        Assert.Equal(TaskGraphProblemKind.Cycle, Assert.Single(ex.Problems).Kind);
    }

    [Fact]
    public async Task RunAsync_NestedGraph_RunsOnTheSameExecutorAndCountsAsSubAgent()
    {
        await using var host = new SwarmHost();
        host.Chat.OnGetResponse = (messages, _, _) => Task.FromResult("done:" + messages[^1].Text!.Split('\n')[0]);
        var inner = Graph(Step("x"), Step("y"), Step("z", "x", "y"));
        var nested = new TaskStep { Id = "sub", Kind = StepKind.Graph, Graph = inner, DependsOn = ["start"] };
        var events = new List<SwarmEvent>();

        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("start"), nested, Step("end", "sub"))))
        {
            events.Add(e);
        }

        var result = events[^1].Result!;
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal("done:do z", result.GetOutput("sub"));
        Assert.Contains(events, e => e.Kind == SwarmEventKind.StepCompleted && e.StepId == "sub/z");
        Assert.Equal(2, result.GetStep("sub")!.SubRun!.CriticalSteps);
        Assert.Equal(5, result.Metrics.TotalSteps); // start, x, y, z, end
        Assert.Equal(4, result.Metrics.CriticalSteps); // start + (x|y -> z) + end
        Assert.Equal(3, result.Metrics.SubAgentSteps);
    }

    [Fact]
    public async Task RunAsync_NestedGraphFails_SurfacesTheInnerStepAndException()
    {
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
            ctx.StepId == "sub/bad" ? throw new FormatException("bad number 'x1'") : ValueTask.FromResult(StepOutput.Empty));
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));
        var nested = new TaskStep { Id = "sub", Kind = StepKind.Graph, Graph = Graph(Step("bad")) };

        var result = await host.Executor.RunAsync(Graph(nested));

        var failure = Assert.Single(result.Failures);
        Assert.Equal("sub", failure.StepId);
        Assert.Contains("'sub/bad'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("System.FormatException: bad number 'x1'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StepThrows_ExceptionSurfacesAsItselfWithStepAndAttempt()
    {
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
            ctx.StepId == "b" ? throw new InvalidDataException("the CSV has 3 columns, expected 4") : ValueTask.FromResult(new StepOutput("ok")));
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));

        var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b", "a"), Step("c", "b"), Step("d", "a")));

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("b", failure.StepId);
        Assert.Equal(1, failure.Attempt);
        Assert.Equal(typeof(InvalidDataException).FullName, failure.ExceptionType);
        Assert.Equal("the CSV has 3 columns, expected 4", failure.Message);
        Assert.IsType<InvalidDataException>(failure.Exception);
        Assert.Equal(FailureCategory.Infra, failure.Category);
        Assert.Equal(StepStatus.Skipped, result.GetStep("c")!.Status);
        Assert.Equal(StepStatus.Succeeded, result.GetStep("d")!.Status);
    }

    [Fact]
    public async Task RunAsync_LogicFailure_EscalatesAlongTheChainWithFeedback()
    {
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
            ctx.Role == "architect" ? ValueTask.FromResult(new StepOutput("solved by " + ctx.Role + " after: " + ctx.Feedback)) : throw new StepFailureException(FailureCategory.Logic, "wrong answer from " + ctx.Role));
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));
        var events = new List<SwarmEvent>();

        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("q"))))
        {
            events.Add(e);
        }

        var result = events[^1].Result!;
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        var record = result.GetStep("q")!;
        Assert.Equal(3, record.Attempts);
        Assert.Equal("architect", record.Role);
        Assert.Equal([FailureAction.Escalate, FailureAction.Escalate], record.Decisions.Select(d => d.Action));
        Assert.Contains("wrong answer from coder", result.GetOutput("q"), StringComparison.Ordinal);
        var escalations = events.Where(e => e.Kind == SwarmEventKind.StepEscalated).ToList();
        Assert.Equal([("coder", 2), ("architect", 3)], escalations.Select(e => (e.Role!, e.Attempt)));
        Assert.Equal([1, 2, 3], events.Where(e => e.Kind == SwarmEventKind.StepStarted).Select(e => e.Attempt));
    }

    [Fact]
    public async Task RunAsync_FailedGate_RetriesWithStructuredDiagnosticsInThePrompt()
    {
        var calls = 0;
        var gate = new DelegateGate("json", ctx => ctx.Output == "{\"ok\":true}"
            ? new GateResult { GateName = "json", Passed = true }
            : new GateResult
            {
                GateName = "json",
                Passed = false,
                Category = FailureCategory.Schema,
                Summary = "output is not valid JSON",
                Diagnostics = [new GateDiagnostic("expected '}'") { File = "out.json", Line = 1, Column = 7, RuleId = "JSON001" }],
            });
        await using var host = new SwarmHost(s => s.AddSingleton<IGate>(gate));
        host.Chat.OnGetResponse = (_, _, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? "{\"ok\":" : "{\"ok\":true}");
        var step = Step("emit");
        step.Gates = ["json"];

        var result = await host.Executor.RunAsync(Graph(step));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        var record = result.GetStep("emit")!;
        Assert.Equal(2, record.Attempts);
        Assert.Equal("json", record.Failures[0].GateName);
        Assert.Equal(FailureCategory.Schema, record.Failures[0].Category);
        Assert.Equal(FailureAction.Retry, record.Decisions[0].Action);
        var retryPrompt = host.Chat.Requests[1][^1].Text!;
        Assert.Contains("## Feedback on your previous attempt", retryPrompt, StringComparison.Ordinal);
        Assert.Contains("out.json:1:7: error [JSON001]: expected '}'", retryPrompt, StringComparison.Ordinal);
        Assert.Contains("SCHEMA", retryPrompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StepTimesOut_OnFakeClock_BecomesTimeoutAndEscalates()
    {
        var clock = SwarmHost.NewClock();
        var waiting = 0;
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            if (ctx.Role == "worker")
            {
                Interlocked.Increment(ref waiting);
                await Task.Delay(TimeSpan.FromHours(1), clock, ct);
            }

            return new StepOutput("done by " + ctx.Role);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), timeProvider: clock);
        var step = Step("slow");
        step.Timeout = TimeSpan.FromSeconds(5);

        var run = host.Executor.RunAsync(Graph(step));
        await WaitUntil(() => Volatile.Read(ref waiting) == 1);
        clock.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(Safety);

        var record = result.GetStep("slow")!;
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(FailureCategory.Timeout, record.Failures[0].Category);
        Assert.Equal(typeof(TimeoutException).FullName, record.Failures[0].ExceptionType);
        Assert.Equal(FailureAction.Escalate, record.Decisions[0].Action);
        Assert.Equal("done by coder", result.GetOutput("slow"));
        Assert.Equal(TimeSpan.FromSeconds(5), record.Duration);
    }

    [Fact]
    public async Task RunAsync_Canceled_StopsRunningStepsAndThrows()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return StepOutput.Empty;
        });
        var store = new RecordingCheckpointStore();
        await using var host = new SwarmHost(s => { s.AddSingleton<IStepHandler>(handler); s.AddSingleton<ICheckpointStore>(store); });

        var run = host.Executor.RunAsync(Graph(Step("a"), Step("b", "a")), cancellationToken: cts.Token);
        await started.Task.WaitAsync(Safety);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Safety));
        Assert.Equal("complete Canceled", store.Calls[^1]);
    }

    [Fact]
    public async Task RunAsync_Checkpoints_AfterEveryCompletedStepBeforeItsDependentsStart()
    {
        var store = new RecordingCheckpointStore();
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
        {
            foreach (var dependency in ctx.Step.DependsOn)
            {
                lock (store.Calls)
                {
                    Assert.Contains("step " + dependency, store.Calls);
                }
            }

            return ValueTask.FromResult(new StepOutput(ctx.StepId));
        });
        await using var host = new SwarmHost(s => { s.AddSingleton<IStepHandler>(handler); s.AddSingleton<ICheckpointStore>(store); });

        var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b", "a"), Step("c", "a"), Step("d", "b", "c")), new SwarmRunOptions { RunId = "r1" });

        Assert.Equal("start r1", store.Calls[0]);
        Assert.Equal("complete Succeeded", store.Calls[^1]);
        Assert.Equal(4, store.Saved.Count);
        Assert.Equal(result.Steps.Select(s => s.StepId).Order(), store.Saved.Select(s => s.StepId).Order());
    }

    [Fact]
    public async Task RunAsync_ResumeFromCheckpoint_DoesNotRunCompletedStepsAgain()
    {
        var ran = new ConcurrentBag<string>();
        var fail = true;
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, ct) =>
        {
            ran.Add(ctx.StepId);
            if (ctx.StepId == "c" && Volatile.Read(ref fail))
            {
                throw new StepFailureException(FailureCategory.Infra, "power cut");
            }

            return ValueTask.FromResult(new StepOutput("out-" + ctx.StepId + "(" + string.Join(",", ctx.Inputs.Values) + ")"));
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));
        var graph = Graph(Step("a"), Step("b", "a"), Step("c", "b"));
        var first = await host.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "resume-me" });
        Assert.Equal(SwarmRunStatus.Failed, first.Status);
        var state = await host.Services.GetRequiredService<ICheckpointStore>().LoadAsync("resume-me");
        var json = System.Text.Json.JsonSerializer.Serialize(state, SwarmJson.Options);
        var restored = System.Text.Json.JsonSerializer.Deserialize<SwarmRunState>(json, SwarmJson.Options)!;
        ran.Clear();
        Volatile.Write(ref fail, false);

        var second = await host.Executor.RunAsync(graph, new SwarmRunOptions { ResumeFrom = restored });

        Assert.Equal(SwarmRunStatus.Succeeded, second.Status);
        Assert.Equal("resume-me", second.RunId);
        Assert.Equal(["c"], ran.ToArray());
        Assert.Equal("out-c(out-b(out-a()))", second.GetOutput("c"));
    }

    [Fact]
    public async Task RunStreamingAsync_ReportsStartsCompletionsAndTheResultInOrder()
    {
        await using var host = new SwarmHost();
        var events = new List<SwarmEvent>();

        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("a"), Step("b", "a"))))
        {
            events.Add(e);
        }

        Assert.Equal(
            [SwarmEventKind.RunStarted, SwarmEventKind.StepStarted, SwarmEventKind.StepCompleted, SwarmEventKind.StepStarted, SwarmEventKind.StepCompleted, SwarmEventKind.RunCompleted],
            events.Select(e => e.Kind));
        Assert.Equal(["a", "a", "b", "b"], events.Where(e => e.StepId is not null).Select(e => e.StepId));
        Assert.All(events.Where(e => e.Kind == SwarmEventKind.StepCompleted), e => Assert.NotNull(e.Duration));
        Assert.Equal(SwarmRunStatus.Succeeded, events[^1].Result!.Status);
    }

    [Fact]
    public async Task RunStreamingAsync_ConsumerStopsEarly_CancelsTheRun()
    {
        var canceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                canceled.SetResult();
                throw;
            }

            return StepOutput.Empty;
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));

        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("slow"))))
        {
            if (e.Kind == SwarmEventKind.StepStarted)
            {
                break;
            }
        }

        await canceled.Task.WaitAsync(Safety);
    }

    [Fact]
    public async Task RunStreamingAsync_InvalidGraph_ThrowsOnEnumeration()
    {
        await using var host = new SwarmHost();

        await Assert.ThrowsAsync<TaskGraphValidationException>(async () =>
        {
            await foreach (var _ in host.Executor.RunStreamingAsync(Graph()))
            {
            }
        });
    }

    [Fact]
    public async Task RunAsync_BudgetMaxSteps_StopsFurtherAttempts()
    {
        await using var host = new SwarmHost();
        var graph = Graph(Step("a"), Step("b", "a"), Step("c", "b"));
        graph.Budget = new TaskBudget { MaxSteps = 2 };

        var result = await host.Executor.RunAsync(graph);

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Contains("budget of 2 step attempts", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoChatClientRegistered_FailsTheStepWithAClearMessage()
    {
        var services = new ServiceCollection();
        services.AddSwarm();
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<ISwarmExecutor>().RunAsync(Graph(Step("a")));

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Contains("No IChatClient is registered", result.Failures[0].Message, StringComparison.Ordinal);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Safety);
        while (!condition())
        {
            await Task.Delay(1, cts.Token);
        }
    }
}
