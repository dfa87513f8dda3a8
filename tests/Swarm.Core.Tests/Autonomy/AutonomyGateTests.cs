using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Autonomy;

public sealed class AutonomyGateTests
{
    private static readonly Dictionary<string, string> Yes = new() { ["deploy#approve"] = "yes" };

    private static TaskStep Risky(string id, RiskLevel risk, params string[] dependsOn)
    {
        var step = Step(id, dependsOn);
        step.Risk = risk;
        return step;
    }

    /// <summary>prep → deploy (high risk) → notify, and an independent step.</summary>
    private static TaskGraph Deployment() => Graph(Step("prep"), Risky("deploy", RiskLevel.High, "prep"), Step("notify", "deploy"), Step("other"));

    [Fact]
    public async Task RunAsync_LowAndMediumRiskSteps_RunWithoutAsking()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register);

        var result = await host.Executor.RunAsync(Graph(Risky("low", RiskLevel.Low), Risky("medium", RiskLevel.Medium, "low")), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, runs["low"]);
        Assert.Equal(1, runs["medium"]);
        Assert.Empty(await host.Manager().ListInterruptsAsync("r", status: null));
    }

    [Fact]
    public async Task RunAsync_HighRiskStep_SuspendsTheRunWithItsApprovalPending()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register);

        var result = await host.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
        Assert.Empty(result.Failures);
        Assert.Equal(StepStatus.Succeeded, result.Steps.Single(s => s.StepId == "prep").Status);
        Assert.Equal(StepStatus.Succeeded, result.Steps.Single(s => s.StepId == "other").Status);
        Assert.Equal(0, runs["deploy"]);
        Assert.Equal(0, runs["notify"]);
        var pending = Assert.Single(await host.Manager().ListInterruptsAsync("r"));
        Assert.Equal("deploy#approve", pending.InterruptId);
        Assert.Equal("deploy", pending.StepId);
        Assert.Equal(InterruptStatus.Pending, pending.Status);
        Assert.Contains("Step 'deploy' (High risk, llm step, role 'worker')", pending.Question, StringComparison.Ordinal);
        Assert.Contains("do deploy", pending.Question, StringComparison.Ordinal);
        Assert.EndsWith("Approve? (yes/no)", pending.Question, StringComparison.Ordinal);
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Manager().GetStateAsync("r")).Status);
    }

    [Fact]
    public async Task ResumeAsync_ApprovedAfterARestart_RunsTheStepExactlyOnceAndDependentsContinue()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var runs = new Executions();
        await using (var first = DurableHost.Create(path, runs.Register))
        {
            Assert.Equal(SwarmRunStatus.Interrupted, (await first.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = "r" })).Status);
        }

        // A new service provider on the same file: the process restarted.
        await using var second = DurableHost.Create(path, runs.Register);
        var result = await second.Manager().ResumeAsync("r", Yes);

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, runs["prep"]);
        Assert.Equal(1, runs["deploy"]);
        Assert.Equal(1, runs["notify"]);
        Assert.Equal(1, runs["other"]);
        Assert.Equal("notify(deploy(prep()))", result.GetOutput("notify"));
        var approval = Assert.Single(await second.Manager().ListInterruptsAsync("r", status: null));
        Assert.Equal(InterruptStatus.Answered, approval.Status);
        Assert.Equal("yes", approval.Answer);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Approve", true)]
    [InlineData(" y ", true)]
    [InlineData("approved", true)]
    [InlineData("no", false)]
    [InlineData("not now", false)]
    [InlineData("", false)]
    public async Task ResumeAsync_Answer_OnlyYesOrApproveRunsTheStep(string answer, bool runsTheStep)
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register);
        await host.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = "r" });

        var result = await host.Manager().ResumeAsync("r", new Dictionary<string, string> { ["deploy#approve"] = answer });

        Assert.Equal(runsTheStep ? 1 : 0, runs["deploy"]);
        Assert.Equal(runsTheStep ? 1 : 0, runs["notify"]);
        if (runsTheStep)
        {
            Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
            return;
        }

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Equal("deploy", failure.StepId);
        Assert.Contains("Step 'deploy' (High risk) did not run: approval 'deploy#approve' was denied", failure.Message, StringComparison.Ordinal);
        Assert.Equal(StepStatus.Skipped, result.Steps.Single(s => s.StepId == "notify").Status);

        // The failure router saw it like any failure: the default policy fails a Policy failure at once.
        var record = result.Steps.Single(s => s.StepId == "deploy");
        Assert.Equal(StepStatus.Failed, record.Status);
        Assert.Equal(FailureAction.Fail, Assert.Single(record.Decisions).Action);
        Assert.Equal(1, record.Attempts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ResumeAsync_ApprovalExpired_IsADenialEvenWithTheUseDefaultAnswerPolicy(bool approvalTimeout)
    {
        using var dir = new TempDirectory();
        var clock = SwarmHost.NewClock();
        var runs = new Executions();
        await using var host = DurableHost.Create(
            dir.File("c.db"),
            runs.Register,
            o =>
            {
                o.Checkpoints.OnInterruptTimeout = InterruptTimeoutAction.UseDefaultAnswer;
                if (approvalTimeout)
                {
                    o.Autonomy.ApprovalTimeout = TimeSpan.FromHours(1);
                }
                else
                {
                    o.Checkpoints.InterruptTimeout = TimeSpan.FromHours(1);
                }
            },
            clock);
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = "r" })).Status);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), Assert.Single(await host.Manager().ListInterruptsAsync("r")).ExpiresAt);

        clock.Advance(TimeSpan.FromHours(2));
        var result = await host.Manager().ResumeAsync("r");

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Contains("Step 'deploy' (High risk) did not run: its approval 'deploy#approve' expired unanswered", failure.Message, StringComparison.Ordinal);
        Assert.Equal(InterruptStatus.Expired, Assert.Single(await host.Manager().ListInterruptsAsync("r", status: null)).Status);
        Assert.Equal(0, runs["deploy"]);
        Assert.Equal(0, runs["notify"]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager().AnswerAsync("r", "deploy#approve", "yes"));
    }

    [Fact]
    public async Task RunAsync_CriticalStepWithDenyThreshold_FailsWithoutAsking()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register, o => o.Autonomy.DenyThreshold = RiskLevel.Critical);

        var result = await host.Executor.RunAsync(Graph(Risky("wipe", RiskLevel.Critical), Step("after", "wipe"), Step("other")), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Contains("Step 'wipe' (Critical risk) was denied by the autonomy gate and did not run", failure.Message, StringComparison.Ordinal);
        Assert.Contains("DenyThreshold", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["wipe"]);
        Assert.Equal(0, runs["after"]);
        Assert.Equal(1, runs["other"]);
        Assert.Equal(StepStatus.Skipped, result.Steps.Single(s => s.StepId == "after").Status);
        Assert.Empty(await host.Manager().ListInterruptsAsync("r", status: null));
    }

    [Theory]
    [InlineData(RiskLevel.Medium, RiskLevel.Medium, true)]
    [InlineData(RiskLevel.Medium, RiskLevel.Low, false)]
    [InlineData(RiskLevel.Critical, RiskLevel.High, false)]
    [InlineData(null, RiskLevel.Critical, false)]
    public async Task RunAsync_ApprovalThreshold_DecidesWhichRiskAsks(RiskLevel? threshold, RiskLevel risk, bool asks)
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register, swarm: b => b.ConfigureAutonomy(a => a.ApprovalThreshold = threshold));

        var result = await host.Executor.RunAsync(Graph(Risky("s", risk)), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(asks ? SwarmRunStatus.Interrupted : SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(asks ? 0 : 1, runs["s"]);
        Assert.Equal(asks ? 1 : 0, (await host.Manager().ListInterruptsAsync("r")).Count);
    }

    [Fact]
    public async Task ResumeAsync_ParallelApprovalsAnsweredInAnyOrderAcrossRestarts_EachStepRunsOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var runs = new Executions();
        var graph = Graph(Risky("p1", RiskLevel.High), Risky("p2", RiskLevel.High), Risky("p3", RiskLevel.Critical), Step("final", "p1", "p2", "p3"));
        await using (var first = DurableHost.Create(path, runs.Register))
        {
            Assert.Equal(SwarmRunStatus.Interrupted, (await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" })).Status);
            Assert.Equal(["p1#approve", "p2#approve", "p3#approve"], (await first.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId).Order(StringComparer.Ordinal));

            // One answer before the process goes away.
            await first.Manager().AnswerAsync("r", "p2#approve", "yes");
        }

        await using (var second = DurableHost.Create(path, runs.Register))
        {
            Assert.Equal(["p1#approve", "p3#approve"], (await second.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId).Order(StringComparer.Ordinal));
            var partial = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { ["p3#approve"] = "approve" });

            Assert.Equal(SwarmRunStatus.Interrupted, partial.Status);
            Assert.Equal(1, runs["p2"]);
            Assert.Equal(1, runs["p3"]);
            Assert.Equal(0, runs["p1"]);
            Assert.Equal(["p1#approve"], (await second.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId));
        }

        await using var third = DurableHost.Create(path, runs.Register);
        var done = await third.Manager().ResumeAsync("r", new Dictionary<string, string> { ["p1#approve"] = "yes" });

        Assert.Equal(SwarmRunStatus.Succeeded, done.Status);
        Assert.Equal("final(p1(),p2(),p3())", done.GetOutput("final"));
        Assert.All(["p1", "p2", "p3", "final"], id => Assert.Equal(1, runs[id]));
        var all = await third.Manager().ListInterruptsAsync("r", status: null);
        Assert.Equal(3, all.Count);
        Assert.All(all, i => Assert.Equal(InterruptStatus.Answered, i.Status));
    }

    [Fact]
    public async Task ResumeAsync_StepApprovedEarlier_IsNeverAskedAgain_NotOnRetryNorOnResume()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var attempts = new ConcurrentQueue<int>();
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            attempts.Enqueue(ctx.Attempt);
            if (ctx.Attempt == 1)
            {
                throw new StepFailureException(FailureCategory.Format, "badly formatted");
            }

            // After the approval the step asks a question of its own: the run suspends a second time.
            return new StepOutput(await ctx.InterruptAsync("Which region?", cancellationToken: ct));
        });
        var graph = Graph(Risky("deploy", RiskLevel.High));
        await using (var first = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(handler)))
        {
            Assert.Equal(SwarmRunStatus.Interrupted, (await first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = "r" })).Status);
            Assert.Empty(attempts);

            var afterApproval = await first.Manager().ResumeAsync("r", Yes);

            // Attempt 1 failed, the retry ran under the same approval and then asked its question.
            Assert.Equal(SwarmRunStatus.Interrupted, afterApproval.Status);
            Assert.Equal([1, 2], attempts);
            Assert.Equal(["deploy#1"], (await first.Manager().ListInterruptsAsync("r")).Select(i => i.InterruptId));
        }

        await using var second = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(handler));
        var done = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { ["deploy#1"] = "eu-west" });

        Assert.Equal(SwarmRunStatus.Succeeded, done.Status);
        Assert.Equal("eu-west", done.GetOutput("deploy"));
        var all = await second.Manager().ListInterruptsAsync("r", status: null);
        Assert.Equal(["deploy#1", "deploy#approve"], all.Select(i => i.InterruptId).Order(StringComparer.Ordinal));
        Assert.All(all, i => Assert.Equal(InterruptStatus.Answered, i.Status));
    }

    [Fact]
    public async Task RunAsync_ApprovalAnsweredWhileTheStepWaitsInProcess_TheSameRunContinues()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register, o => o.Checkpoints.InterruptWait = TimeSpan.FromMinutes(10));

        var run = host.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = "r" });
        for (var polls = 0; (await host.Manager().ListInterruptsAsync("r")).Count == 0; polls++)
        {
            Assert.True(polls < 6000 && !run.IsCompleted, "The high-risk step never raised its approval interrupt.");
            await Task.Delay(5);
        }

        Assert.Equal(0, runs["deploy"]);
        await host.Manager().AnswerAsync("r", "deploy#approve", "yes");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        Assert.Equal(1, runs["deploy"]);
        Assert.Equal(1, runs["notify"]);
    }

    [Fact]
    public async Task RunAsync_WithoutDurableStore_HighRiskStepFailsSayingWhatToConfigure()
    {
        var runs = new Executions();
        await using var host = new SwarmHost(runs.Register);

        var result = await host.Executor.RunAsync(Deployment());

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Contains("Step 'deploy' (High risk) needs approval", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SwarmOptions.Checkpoints.Path", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs["deploy"]);
        Assert.Equal(0, runs["notify"]);
        Assert.Equal(1, runs["other"]);
    }

    [Fact]
    public async Task ResumeAsync_HighRiskStepInsideANestedGraph_AsksUnderTheTopLevelRun_RunsOnlyOnceApprovedAcrossARestart()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var runs = new Executions();
        TaskGraph Outer() => Graph(new TaskStep { Id = "sub", Kind = StepKind.Graph, Role = "worker", Graph = Graph(Step("build"), Risky("inner", RiskLevel.High, "build")) }, Step("after", "sub"));

        await using (var first = DurableHost.Create(path, runs.Register))
        {
            var result = await first.Executor.RunAsync(Outer(), new SwarmRunOptions { RunId = "r" });

            Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
            Assert.Empty(result.Failures);
            Assert.Equal(0, runs["sub/inner"]);
            Assert.Equal(0, runs["after"]);
            var pending = Assert.Single(await first.Manager().ListInterruptsAsync("r"));
            Assert.Equal("sub/inner#approve", pending.InterruptId);
            Assert.Equal("sub/inner", pending.StepId);
            Assert.Empty(await first.Manager().ListInterruptsAsync("r/sub", status: null));
        }

        await using var second = DurableHost.Create(path, runs.Register);
        var resumed = await second.Manager().ResumeAsync("r", new Dictionary<string, string> { ["sub/inner#approve"] = "yes" });

        Assert.Equal(SwarmRunStatus.Succeeded, resumed.Status);
        Assert.Equal(1, runs["sub/inner"]);
        Assert.Equal(1, runs["after"]);
        Assert.Equal(InterruptStatus.Answered, Assert.Single(await second.Manager().ListInterruptsAsync("r", status: null)).Status);
    }

    [Fact]
    public async Task ResumeAsync_HighRiskStepInsideANestedGraphDenied_FailsTheGraphStepWithPolicy()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register);
        var outer = new TaskStep { Id = "sub", Kind = StepKind.Graph, Role = "worker", Graph = Graph(Risky("inner", RiskLevel.High)) };
        Assert.Equal(SwarmRunStatus.Interrupted, (await host.Executor.RunAsync(Graph(outer), new SwarmRunOptions { RunId = "r" })).Status);

        var result = await host.Manager().ResumeAsync("r", new Dictionary<string, string> { ["sub/inner#approve"] = "no" });

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(0, runs["sub/inner"]);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Equal("sub", failure.StepId);
        Assert.Contains("sub/inner", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HighRiskStepInsideANestedGraphWithoutCheckpoints_FailsRatherThanRunUnapproved()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), s => runs.Register(s.Configure<SwarmOptions>(o => o.EnableCheckpoints = false)));
        var outer = new TaskStep { Id = "sub", Kind = StepKind.Graph, Role = "worker", Graph = Graph(Risky("inner", RiskLevel.High)) };

        var result = await host.Executor.RunAsync(Graph(outer), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(0, runs["sub/inner"]);
        Assert.Equal(FailureCategory.Policy, Assert.Single(result.Failures).Category);
        Assert.Contains("EnableCheckpoints", result.Failures[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instance")]
    [InlineData("registered-first")]
    public async Task UseAutonomyGate_CustomGate_ReplacesTheDefault(string how)
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        var gate = new TaskTypeGate();
        await using var host = DurableHost.Create(
            dir.File("c.db"),
            s =>
            {
                runs.Register(s);
                if (how == "registered-first")
                {
                    s.AddSingleton<IAutonomyGate>(gate);
                }
            },
            swarm: b =>
            {
                if (how == "instance")
                {
                    b.UseAutonomyGate(gate);
                }
            });
        var ship = Step("ship");
        ship.TaskType = "deploy";

        var result = await host.Executor.RunAsync(Graph(Risky("big", RiskLevel.Critical), ship), new SwarmRunOptions { RunId = "r" });

        Assert.Same(gate, host.Services.GetRequiredService<IAutonomyGate>());
        Assert.Equal(1, runs["big"]);
        Assert.Equal(0, runs["ship"]);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(FailureCategory.Policy, failure.Category);
        Assert.Contains("deployments are frozen", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await host.Manager().ListInterruptsAsync("r", status: null));
        var big = Assert.Single(gate.Contexts, c => c.StepId == "big");
        Assert.Equal("r", big.RunId);
        Assert.Equal("worker", big.Role);
        Assert.Equal(1, big.Attempt);
        Assert.Equal(RiskLevel.Critical, big.Step.Risk);
    }

    [Fact]
    public async Task UseAutonomyGateOfT_ReplacesTheDefaultWithTheType()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), runs.Register, swarm: b => b.UseAutonomyGate<DenyAllGate>());

        var result = await host.Executor.RunAsync(Graph(Risky("low", RiskLevel.Low)), new SwarmRunOptions { RunId = "r" });

        Assert.IsType<DenyAllGate>(host.Services.GetRequiredService<IAutonomyGate>());
        Assert.Equal(0, runs["low"]);
        Assert.Contains("nothing runs today", Assert.Single(result.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseAutonomyGate_Layer_ConsultsTheDefaultUnderneath()
    {
        using var dir = new TempDirectory();
        var runs = new Executions();
        await using var host = DurableHost.Create(
            dir.File("c.db"),
            runs.Register,
            swarm: b => b.UseAutonomyGate((inner, _) => new TrustedTaskTypeGate(inner)));
        var trusted = Risky("trusted", RiskLevel.High);
        trusted.TaskType = "trusted";

        var result = await host.Executor.RunAsync(Graph(trusted, Risky("untrusted", RiskLevel.High)), new SwarmRunOptions { RunId = "r" });

        Assert.Equal(SwarmRunStatus.Interrupted, result.Status);
        Assert.Equal(1, runs["trusted"]);
        Assert.Equal(0, runs["untrusted"]);
        Assert.Equal("untrusted#approve", Assert.Single(await host.Manager().ListInterruptsAsync("r")).InterruptId);
    }

    [Fact]
    public async Task RunAsync_Decisions_AreLoggedTracedAndCounted()
    {
        using var dir = new TempDirectory();
        var runId = "observed-" + Guid.NewGuid().ToString("N");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SwarmDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var collector = new FakeLogCollector();
        var runs = new Executions();
        await using var host = DurableHost.Create(dir.File("c.db"), s =>
        {
            runs.Register(s);
            s.AddMetrics();
            s.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        });
        var meterFactory = host.Services.GetRequiredService<IMeterFactory>();
        using var decisions = new MetricCollector<long>(meterFactory, SwarmDiagnostics.MeterName, SwarmDiagnostics.AutonomyDecisions);
        using var approvals = new MetricCollector<long>(meterFactory, SwarmDiagnostics.MeterName, SwarmDiagnostics.AutonomyApprovals);

        await host.Executor.RunAsync(Deployment(), new SwarmRunOptions { RunId = runId });
        await host.Manager().ResumeAsync(runId, Yes);

        var required = decisions.GetMeasurementSnapshot().Where(m => (string?)m.Tags[SwarmDiagnostics.AutonomyActionTag] == "RequireApproval").ToList();
        Assert.Equal(2, required.Count);
        Assert.All(required, m => Assert.Equal("High", m.Tags[SwarmDiagnostics.RiskTag]));
        Assert.Contains(decisions.GetMeasurementSnapshot(), m => (string?)m.Tags[SwarmDiagnostics.AutonomyActionTag] == "Allow" && (string?)m.Tags[SwarmDiagnostics.RiskTag] == "Low");
        Assert.Equal(["pending", "approved"], approvals.GetMeasurementSnapshot().Select(m => (string?)m.Tags[SwarmDiagnostics.AutonomyOutcomeTag]));
        var logs = collector.GetSnapshot();
        Assert.Contains(logs, r => r.Message.Contains("step deploy (High risk) needs approval through interrupt deploy#approve", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Message.Contains("step deploy (High risk) approved through interrupt deploy#approve", StringComparison.Ordinal));
        List<Activity> spans;
        lock (activities)
        {
            spans = [.. activities.Where(a => (string?)a.GetTagItem(SwarmDiagnostics.RunIdTag) == runId && (string?)a.GetTagItem(SwarmDiagnostics.StepIdTag) == "deploy")];
        }

        Assert.Equal(["pending", "approved"], spans.Select(a => (string?)a.GetTagItem(SwarmDiagnostics.AutonomyOutcomeTag)));
        Assert.All(spans, a => Assert.Equal("RequireApproval", a.GetTagItem(SwarmDiagnostics.AutonomyActionTag)));
        Assert.All(spans, a => Assert.Equal("High", a.GetTagItem(SwarmDiagnostics.RiskTag)));
        Assert.Contains(spans[0].Events, e => e.Name == SwarmDiagnostics.AutonomyDecisionEventName && e.Tags.Any(t => t.Key == SwarmDiagnostics.AutonomyReasonTag && ((string)t.Value!).Contains("ApprovalThreshold", StringComparison.Ordinal)));
    }

    /// <summary>Counts executions per step id over every host of a test.</summary>
    private sealed class Executions
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public int this[string stepId] => _counts.GetValueOrDefault(stepId);

        public void Register(IServiceCollection services) => services.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (ctx, _) =>
        {
            _counts.AddOrUpdate(ctx.StepId, 1, static (_, n) => n + 1);
            var inputs = string.Join(",", ctx.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value));
            return ValueTask.FromResult(new StepOutput(ctx.StepId + "(" + inputs + ")"));
        }));
    }

    /// <summary>Denies deployments, allows everything else whatever its risk; records what it was asked.</summary>
    private sealed class TaskTypeGate : IAutonomyGate
    {
        public ConcurrentBag<AutonomyContext> Contexts { get; } = [];

        public ValueTask<AutonomyDecision> DecideAsync(AutonomyContext context, CancellationToken cancellationToken = default)
        {
            Contexts.Add(context);
            return ValueTask.FromResult(context.Step.TaskType == "deploy" ? AutonomyDecision.Deny("deployments are frozen") : AutonomyDecision.Allow("not a deployment"));
        }
    }

    private sealed class DenyAllGate : IAutonomyGate
    {
        public ValueTask<AutonomyDecision> DecideAsync(AutonomyContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(AutonomyDecision.Deny("nothing runs today"));
    }

    /// <summary>Lets trusted task types run at any risk; asks the inner gate otherwise.</summary>
    private sealed class TrustedTaskTypeGate(IAutonomyGate inner) : IAutonomyGate
    {
        public ValueTask<AutonomyDecision> DecideAsync(AutonomyContext context, CancellationToken cancellationToken = default) =>
            context.Step.TaskType == "trusted" ? ValueTask.FromResult(AutonomyDecision.Allow("trusted task type")) : inner.DecideAsync(context, cancellationToken);
    }
}
