using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

/// <summary>Resume after a crash. A "crash" here disposes the host while a step hangs (its process state is gone, the file stays); the real-kill version is <see cref="CrashRecoveryTests"/>.</summary>
public sealed class SwarmRunManagerResumeTests
{
    [Fact]
    public async Task ResumeAsync_AfterRestart_ReusesCompletedStepsAndRunsOnlyTheRest()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var ran = new ConcurrentQueue<string>();
        StepOutput Echo(StepContext ctx)
        {
            ran.Enqueue(ctx.StepId);
            return new StepOutput("out-" + ctx.StepId + "(" + string.Join(",", ctx.Inputs.Values) + ")");
        }

        var graph = Graph(Step("a"), Step("b", "a"), Step("c", "b"), Step("d", "a"));
        await using (var first = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (ctx, _) => ctx.StepId == "c" ? throw new StepFailureException(FailureCategory.Infra, "power cut") : ValueTask.FromResult(Echo(ctx)))), swarm: b => b.ConfigureFailureRouting(f => f.Policies.Clear())))
        {
            var failed = await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" });
            Assert.Equal(SwarmRunStatus.Failed, failed.Status);
        }

        ran.Clear();
        await using var second = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (ctx, _) => ValueTask.FromResult(Echo(ctx)))));
        var result = await second.Manager().ResumeAsync("r");

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(["c"], ran.ToArray());
        Assert.Equal("out-c(out-b(out-a()))", result.GetOutput("c"));
        var state = await second.Manager().GetStateAsync("r");
        Assert.Equal(SwarmRunStatus.Succeeded, state.Status);
    }

    [Fact]
    public async Task ResumeAsync_UnknownRun_ThrowsKeyNotFoundExceptionNamingIt()
    {
        using var dir = new TempDirectory();
        await using var host = DurableHost.Create(dir.File("c.db"));
        var ex = await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Manager().ResumeAsync("nope"));
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeAsync_WithoutDurableStore_ThrowsInvalidOperationExceptionSayingWhatToSet()
    {
        await using var host = new SwarmHost();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager().ResumeAsync("r"));
        Assert.Contains("Checkpoints.Path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeAsync_InFlightIdempotentTool_CallsItAgain()
    {
        using var dir = new TempDirectory();
        var (calls, result) = await CrashInToolThenResumeAsync(dir.File("c.db"), idempotent: true, InFlightToolPolicy.Fail, answer: null);
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ResumeAsync_InFlightNonIdempotentTool_PolicyFail_FailsTheStepWithoutCallingIt()
    {
        using var dir = new TempDirectory();
        var (calls, result) = await CrashInToolThenResumeAsync(dir.File("c.db"), idempotent: false, InFlightToolPolicy.Fail, answer: null);
        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(0, calls);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("pay", failure.StepId);
        Assert.Contains("in flight when the process stopped", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeAsync_InFlightNonIdempotentTool_RequireApproval_AsksAndCallsAgainOnlyOnYes()
    {
        using var dir = new TempDirectory();
        var (calls, result) = await CrashInToolThenResumeAsync(dir.File("c.db"), idempotent: false, InFlightToolPolicy.RequireApproval, answer: "yes");
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ResumeAsync_InFlightNonIdempotentTool_ApprovalRefused_FailsTheStep()
    {
        using var dir = new TempDirectory();
        var (calls, result) = await CrashInToolThenResumeAsync(dir.File("c.db"), idempotent: false, InFlightToolPolicy.RequireApproval, answer: "no");
        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ResumeAsync_NonIdempotentCallFinishedBeforeTheCrash_ReturnsTheRecordedResultWithoutCallingAgain()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var effect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstCalls = 0;
        var graph = new TaskGraph { Id = "g", Goal = "pay", Steps = [new TaskStep { Id = "order", Kind = StepKind.Procedure, Instruction = "pay and confirm" }] };
        var first = DurableHost.Create(
            path,
            s =>
            {
                s.AddSingleton<ITool>(new DelegateTool("pay", (_, _) => { Interlocked.Increment(ref firstCalls); return ValueTask.FromResult(ToolResult.Success("receipt-1")); }, idempotent: false));
                s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Procedure, async (ctx, ct) =>
                {
                    await ctx.InvokeToolAsync("pay", cancellationToken: ct);
                    effect.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                    return StepOutput.Empty;
                }));
            });
        var abandoned = first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" });
        await effect.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();

        var secondCalls = 0;
        await using var second = DurableHost.Create(
            path,
            s =>
            {
                s.AddSingleton<ITool>(new DelegateTool("pay", (_, _) => { Interlocked.Increment(ref secondCalls); return ValueTask.FromResult(ToolResult.Success("receipt-2")); }, idempotent: false));
                s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Procedure, async (ctx, ct) => new StepOutput("confirmed " + (await ctx.InvokeToolAsync("pay", cancellationToken: ct)).Output)));
            });
        var result = await second.Manager().ResumeAsync("r");

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, firstCalls);
        Assert.Equal(0, secondCalls);
        Assert.Equal("confirmed receipt-1", result.GetOutput("order"));
        GC.KeepAlive(abandoned);
    }

    /// <summary>Runs prepare → pay; "pay" takes effect and hangs; the host goes away; a new host resumes with the given policy.</summary>
    private static async Task<(int CallsAfterRestart, SwarmRunResult Result)> CrashInToolThenResumeAsync(string path, bool idempotent, InFlightToolPolicy policy, string? answer)
    {
        var graph = Graph(Tool("prepare", "prep"), Tool("pay", "pay", "prepare"));
        var effect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = DurableHost.Create(
            path,
            s =>
            {
                s.AddSingleton<ITool>(new DelegateTool("prep", (_, _) => ValueTask.FromResult(ToolResult.Success("ready"))));
                s.AddSingleton<ITool>(new DelegateTool("pay", async (_, ct) => { effect.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); return ToolResult.Success(); }, idempotent));
            },
            o => o.Checkpoints.InFlightNonIdempotentTools = policy);
        var abandoned = first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" });
        await effect.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();

        var calls = 0;
        await using var second = DurableHost.Create(
            path,
            s =>
            {
                s.AddSingleton<ITool>(new DelegateTool("prep", (_, _) => throw new InvalidOperationException("prepare completed before the crash; it must not run again")));
                s.AddSingleton<ITool>(new DelegateTool("pay", (_, _) => { Interlocked.Increment(ref calls); return ValueTask.FromResult(ToolResult.Success("paid")); }, idempotent));
            },
            o => o.Checkpoints.InFlightNonIdempotentTools = policy);
        var result = await second.Manager().ResumeAsync("r");
        if (answer is not null)
        {
            Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
            var pending = Assert.Single(await second.Manager().ListInterruptsAsync("r"));
            Assert.Equal("pay", pending.StepId);
            Assert.Contains("Non-idempotent tool 'pay'", pending.Question, StringComparison.Ordinal);
            Assert.Equal(0, calls);
            result = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { [pending.InterruptId] = answer });
        }

        GC.KeepAlive(abandoned);
        return (calls, result);
    }
}
