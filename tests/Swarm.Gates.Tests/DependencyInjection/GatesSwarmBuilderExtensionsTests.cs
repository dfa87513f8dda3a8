using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Swarm.Gates.Tests.DependencyInjection;

public sealed class GatesSwarmBuilderExtensionsTests
{
    [Fact]
    public void AddGates_ListedGates_AreRegisteredOnceWithRunnerAndPipeline()
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddGates(g => g
            .Add<ShellCheckGate>()
            .Add<ShellCheckGate>()
            .Add<ShfmtGate>(t => t.ExtraArguments.Add("-i"))
            .AddCommand("unit", ["dotnet", "test"])
            .AddCommand("integration", ["sh", "-c", "exit 0"], c => c.Stage = GateStage.Integration));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var gates = provider.GetServices<IGate>().Select(g => g.Name).ToList();
        var pipeline = provider.GetRequiredService<GatePipeline>();

        Assert.Equal(["shellcheck", "shfmt", "unit", "integration"], gates);
        Assert.Equal(4, pipeline.Gates.Count);
        Assert.IsType<ProcessRunner>(provider.GetRequiredService<IProcessRunner>());
    }

    [Fact]
    public async Task AddGates_CustomGate_IsCreatedFromTheContainerAndRunsAtCustomStage()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSwarm().AddGates(g => g.Add<LicenseHeaderGate>());
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<GatePipeline>().EvaluateAsync(new GateContext("s", Path.GetTempPath()));

        Assert.Equal("license", Assert.Single(result.Results).GateName);
        Assert.Equal(GateStage.Custom, GatePipeline.StageOf(provider.GetServices<IGate>().Single()));
    }

    [Fact]
    public void AddGates_RunnerRegisteredFirst_IsKept()
    {
        var services = new ServiceCollection();
        using var own = new ProcessRunner();
        services.AddSingleton<IProcessRunner>(own);
        services.AddSwarm().AddGates();
        using var provider = services.BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<IProcessRunner>());
    }

    [Theory]
    [InlineData("maxoutput")]
    [InlineData("timeout")]
    [InlineData("pattern")]
    [InlineData("gate")]
    [InlineData("command")]
    public void AddGates_InvalidOptions_FailValidationAtStart(string problem)
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddGates(g =>
        {
            switch (problem)
            {
                case "maxoutput": g.Process.MaxOutputChars = 0; break;
                case "timeout": g.Process.DefaultTimeout = TimeSpan.Zero; break;
                case "pattern": g.Process.SecretPatterns.Add("(unclosed"); break;
                case "gate": g.Add<YamlLintGate>(t => t.Timeout = TimeSpan.FromSeconds(-1)); break;
                case "command": g.AddCommand("unit", ["dotnet"], c => c.FailureCategory = FailureCategory.Format); break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.NotEmpty(ex.Failures);
    }

    [Fact]
    public async Task EvaluateAsync_ThroughContainer_EmitsSpanAndMetrics()
    {
        RequiredTool.Check("shellcheck");
        using var workspace = new TestWorkspace();
        workspace.Write("bad.sh", "#!/bin/sh\necho $1\n");
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSwarm().AddGates(g => g.Add<ShellCheckGate>());
        using var provider = services.BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var failures = new MetricCollector<long>(meterFactory, GatesDiagnostics.MeterName, GatesDiagnostics.GateFailuresInstrument);
        using var durations = new MetricCollector<double>(meterFactory, GatesDiagnostics.MeterName, GatesDiagnostics.GateDurationInstrument);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == GatesDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var result = await provider.GetRequiredService<GatePipeline>().EvaluateAsync(new GateContext("telemetry-step", workspace.Path) { Files = ["bad.sh"] });

        Assert.Equal(FailureCategory.Code, result.Category);
        var failure = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal("CODE", failure.Tags["swarm.failure.category"]);
        Assert.Equal("shellcheck", failure.Tags["swarm.gate.name"]);
        Assert.Single(durations.GetMeasurementSnapshot());
        Activity gateSpan;
        lock (spans)
        {
            // Other tests run in parallel: keep this test's trace only.
            gateSpan = Assert.Single(spans, s => s.OperationName == "gate shellcheck" && (string?)s.GetTagItem("swarm.step.id") == "telemetry-step");
            var trace = spans.Where(s => s.TraceId == gateSpan.TraceId).ToList();
            Assert.Contains(trace, s => s.OperationName == "gate pipeline" && s.SpanId == gateSpan.ParentSpanId);
            Assert.Contains(trace, s => s.OperationName == "process shellcheck" && s.ParentSpanId == gateSpan.SpanId);
        }

        Assert.Equal("failed", gateSpan.GetTagItem("swarm.gate.outcome"));
        Assert.Equal(ActivityStatusCode.Error, gateSpan.Status);
    }

    private sealed class LicenseHeaderGate(TimeProvider timeProvider) : IGate
    {
        public string Name => "license";

        public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GateResult { GateName = Name, Passed = true, Summary = timeProvider.GetUtcNow().Year.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
