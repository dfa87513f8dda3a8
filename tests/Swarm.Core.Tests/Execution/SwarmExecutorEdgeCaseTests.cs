using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Execution;

public sealed class SwarmExecutorEdgeCaseTests
{
    [Fact]
    public async Task RunAsync_RouterAsksForReplan_FailsTheStepAndFlagsTheRun()
    {
        var handler = new DelegateStepHandler(StepKind.Llm, (_, _) => throw new StepFailureException(FailureCategory.Logic, "the plan is wrong"));
        await using var host = new SwarmHost(
            s => s.AddSingleton<IStepHandler>(handler),
            swarm: b => b.UseFailureRouter((_, _) => FailureRouterBuilder.Create((ctx, _) => ValueTask.FromResult(FailureDecision.Replan("needs a new plan")))));

        var result = await host.Executor.RunAsync(Graph(Step("a")));

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.True(result.ReplanRequested);
        Assert.Equal(FailureAction.Replan, Assert.Single(result.GetStep("a")!.Decisions).Action);
    }

    [Fact]
    public async Task RunAsync_SkippedGate_DoesNotFailTheStep()
    {
        var gate = new DelegateGate("lint", _ => new GateResult { GateName = "lint", Passed = false, SkippedReason = "linter not installed (configured skip)" });
        await using var host = new SwarmHost(s => s.AddSingleton<IGate>(gate));
        var step = Step("a");
        step.Gates = ["lint"];

        var result = await host.Executor.RunAsync(Graph(step));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
    }

    [Fact]
    public async Task RunAsync_GatesRunInOrderAndStopAtTheFirstFailure()
    {
        var seen = new List<string>();
        IGate Gate(string name, bool pass) => new DelegateGate(name, _ =>
        {
            lock (seen)
            {
                seen.Add(name);
            }

            return new GateResult { GateName = name, Passed = pass, Category = FailureCategory.Format };
        });
        await using var host = new SwarmHost(
            s => { s.AddSingleton(Gate("schema", true)); s.AddSingleton(Gate("format", false)); s.AddSingleton(Gate("lint", true)); },
            swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));
        var step = Step("a");
        step.Gates = ["schema", "format", "lint"];

        var result = await host.Executor.RunAsync(Graph(step));

        Assert.Equal(["schema", "format"], seen);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(("format", FailureCategory.Format), (failure.GateName!, failure.Category));
    }

    [Fact]
    public async Task RunAsync_ProcedureStepWithoutHandler_IsRejectedBeforeRunning()
    {
        await using var host = new SwarmHost();
        var step = Step("p");
        step.Kind = StepKind.Procedure;
        step.Tool = "deploy";

        var ex = await Assert.ThrowsAsync<TaskGraphValidationException>(() => host.Executor.RunAsync(Graph(step)));

        Assert.Equal(TaskGraphProblemKind.UnsupportedKind, Assert.Single(ex.Problems).Kind);
    }

    [Fact]
    public async Task RunAsync_HostProcedureHandler_RunsProcedureSteps()
    {
        var handler = new DelegateStepHandler(StepKind.Procedure, (ctx, _) => ValueTask.FromResult(new StepOutput("ran " + ctx.Step.Tool)));
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));
        var step = Step("p");
        step.Kind = StepKind.Procedure;
        step.Tool = "deploy";

        var result = await host.Executor.RunAsync(Graph(step));

        Assert.Equal("ran deploy", result.GetOutput("p"));
    }

    [Fact]
    public async Task RunAsync_SpawningADuplicateId_ThrowsToTheHandlerAndAddsNothing()
    {
        Exception? thrown = null;
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, _) =>
        {
            if (ctx.StepId == "plan")
            {
                thrown = Record.Exception(() => ctx.SpawnChildren([Step("other"), Step("fresh")]));
            }

            return ValueTask.FromResult(StepOutput.Empty);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler));

        var result = await host.Executor.RunAsync(Graph(Step("plan"), Step("other")));

        var ex = Assert.IsType<TaskGraphValidationException>(thrown);
        Assert.Equal(TaskGraphProblemKind.DuplicateStepId, Assert.Single(ex.Problems).Kind);
        Assert.Null(result.GetStep("fresh"));
        Assert.Equal(2, result.Steps.Count);
    }

    [Fact]
    public async Task RunAsync_FailedChild_FailsItsParentAndSkipsTheParentsDependents()
    {
        var handler = new DelegateStepHandler(StepKind.Llm, (ctx, _) =>
        {
            if (ctx.StepId == "plan")
            {
                ctx.SpawnChildren([Step("child")]);
            }

            return ctx.StepId == "child" ? throw new InvalidOperationException("child broke") : ValueTask.FromResult(StepOutput.Empty);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear()));

        var result = await host.Executor.RunAsync(Graph(Step("plan"), Step("after", "plan")));

        Assert.Equal(StepStatus.Failed, result.GetStep("child")!.Status);
        Assert.Equal(StepStatus.Failed, result.GetStep("plan")!.Status);
        Assert.Equal("child broke", result.GetStep("plan")!.Failures[^1].Message);
        Assert.Equal(StepStatus.Skipped, result.GetStep("after")!.Status);
        Assert.Equal("child", Assert.Single(result.Failures).StepId);
    }

    [Fact]
    public async Task RunAsync_BudgetMaxDuration_OnFakeClock_CancelsTheRun()
    {
        var clock = SwarmHost.NewClock();
        var waiting = 0;
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            Interlocked.Increment(ref waiting);
            await Task.Delay(TimeSpan.FromMinutes(10), clock, ct);
            return StepOutput.Empty;
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), timeProvider: clock);
        var graph = Graph(Step("a"), Step("b", "a"));
        graph.Budget = new TaskBudget { MaxDuration = TimeSpan.FromMinutes(1) };

        var run = host.Executor.RunAsync(graph);
        await SwarmExecutorTests.WaitUntil(() => Volatile.Read(ref waiting) == 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(SwarmRunStatus.Canceled, result.Status);
        Assert.Equal(StepStatus.Canceled, result.GetStep("a")!.Status);
        Assert.Equal(StepStatus.Canceled, result.GetStep("b")!.Status);
    }

    [Fact]
    public async Task RunAsync_FailingCheckpointStore_DoesNotStopTheRun()
    {
        await using var host = new SwarmHost(s => s.AddSingleton<ICheckpointStore>(new ThrowingStore()));

        var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b", "a")));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
    }

    private sealed class ThrowingStore : ICheckpointStore
    {
        public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default) => throw new IOException("disk full");

        public ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default) => ValueTask.FromResult<SwarmRunState?>(null);
    }
}
