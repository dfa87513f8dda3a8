namespace Swarm.Gates.Tests.Pipeline;

public sealed class GatePipelineTests
{
    private static readonly GateContext Context = new("step-1", Path.GetTempPath());

    [Fact]
    public async Task EvaluateAsync_GatesGivenOutOfOrder_RunInSeedsStageOrder()
    {
        var order = new List<string>();
        TestGate Recording(string name, GateStage stage) => new(name, stage, (_, _) =>
        {
            lock (order)
            {
                order.Add(name);
            }

            return Task.FromResult(new GateResult { GateName = name, Passed = true });
        });
        var pipeline = new GatePipeline(
        [
            Recording("integration", GateStage.Integration), Recording("unit", GateStage.Unit), Recording("yamllint", GateStage.Lint),
            Recording("shfmt", GateStage.Format), Recording("shellcheck", GateStage.ShellCheck), Recording("schema", GateStage.Schema),
        ]);

        var result = await pipeline.EvaluateAsync(Context);

        Assert.True(result.Passed);
        Assert.Equal(["schema", "shellcheck", "shfmt", "yamllint", "unit", "integration"], order);
        Assert.Equal(order, result.Results.Select(r => r.GateName));
    }

    [Fact]
    public async Task EvaluateAsync_FailureStopsLaterStages_ByDefault()
    {
        var unit = TestGate.Passing("unit", GateStage.Unit);
        var pipeline = new GatePipeline(
        [
            TestGate.Passing("schema", GateStage.Schema), TestGate.Failing("shellcheck", GateStage.ShellCheck, FailureCategory.Code),
            TestGate.Failing("shfmt", GateStage.Format, FailureCategory.Format), unit,
        ]);

        var result = await pipeline.EvaluateAsync(Context);

        Assert.False(result.Passed);
        Assert.Equal(FailureCategory.Code, result.Category);
        Assert.Equal("shellcheck", result.FirstFailure!.GateName);
        Assert.Equal(["shfmt", "unit"], result.NotRun);
        Assert.Equal(0, unit.Calls);
        Assert.Equal(["shellcheck failed"], result.Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public async Task EvaluateAsync_StopDisabled_RunsEveryGateAndReportsFirstFailureInStageOrder()
    {
        var pipeline = new GatePipeline(
            [TestGate.Failing("unit", GateStage.Unit, FailureCategory.Logic), TestGate.Failing("shfmt", GateStage.Format, FailureCategory.Format)],
            stopOnFirstFailure: false);

        var result = await pipeline.EvaluateAsync(Context);

        Assert.Equal(2, result.Results.Count);
        Assert.Empty(result.NotRun);
        Assert.Equal(FailureCategory.Format, result.Category);
    }

    [Fact]
    public async Task EvaluateAsync_GatesOfOneStage_RunConcurrently()
    {
        // Each gate waits for the other to start: this completes only if they run at the same time.
        var aStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = new TestGate("shfmt", GateStage.Format, async (_, ct) =>
        {
            aStarted.SetResult();
            await bStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return new GateResult { GateName = "shfmt", Passed = true };
        });
        var b = new TestGate("dotnet-format", GateStage.Format, async (_, ct) =>
        {
            bStarted.SetResult();
            await aStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return new GateResult { GateName = "dotnet-format", Passed = true };
        });

        var result = await new GatePipeline([a, b]).EvaluateAsync(Context);

        Assert.True(result.Passed);
    }

    [Fact]
    public async Task EvaluateAsync_GateThrows_BecomesInfraResult()
    {
        var pipeline = new GatePipeline([new TestGate("custom", GateStage.Custom, (_, _) => throw new InvalidOperationException("boom"))]);

        var result = await pipeline.EvaluateAsync(Context);

        Assert.Equal(FailureCategory.Infra, result.Category);
        Assert.Contains("boom", result.FirstFailure!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_Canceled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var pipeline = new GatePipeline([new TestGate("slow", GateStage.Unit, async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null!;
        })]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.EvaluateAsync(Context, cts.Token));
    }

    [Fact]
    public void Constructor_DuplicateNames_ThrowsNamingTheGate()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GatePipeline([TestGate.Passing("x", GateStage.Unit), TestGate.Passing("x", GateStage.Lint)]));

        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StageOf_GateWithoutStage_IsCustom()
    {
        Assert.Equal(GateStage.Custom, GatePipeline.StageOf(new PlainGate()));
    }

    [Fact]
    public async Task EvaluateManyAsync_RealToolsOverScripts_CategorizesEachArtifact()
    {
        RequiredTool.Check("shellcheck");
        RequiredTool.Check("shfmt");
        using var workspace = new TestWorkspace();
        using var runner = new ProcessRunner(new ProcessRunnerOptions { MaxConcurrentProcesses = 2 });
        workspace.Write("good.sh", "#!/bin/sh\necho \"$1\"\n");
        workspace.Write("lint.sh", "#!/bin/sh\necho $1\n");
        workspace.Write("format.sh", "#!/bin/sh\necho   \"$1\"\n");
        var pipeline = new GatePipeline([new ShfmtGate(runner), new ShellCheckGate(runner)]);

        var results = await pipeline.EvaluateManyAsync([workspace.Context("good.sh"), workspace.Context("lint.sh"), workspace.Context("format.sh")]);

        Assert.Equal([FailureCategory.None, FailureCategory.Code, FailureCategory.Format], results.Select(r => r.Category));
        Assert.Equal(["shfmt"], results[1].NotRun);
        Assert.Equal(["shellcheck", "shfmt"], results[2].Results.Select(r => r.GateName));
    }

    private sealed class PlainGate : IGate
    {
        public string Name => "plain";

        public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GateResult { GateName = Name, Passed = true });
    }
}
