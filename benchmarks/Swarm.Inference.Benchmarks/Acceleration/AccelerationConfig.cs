using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>The short CI job of the acceleration suite: in-process (so the acceptance and quality columns can read what
/// the benchmarks measured), one warm-up and three measured invocations of one whole generation each, JSON and
/// GitHub-Markdown exports. Run it without <c>--job</c>: <c>--filter '*Acceleration*'</c>.</summary>
public sealed class AccelerationConfig : ManualConfig
{
    public AccelerationConfig()
    {
        AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(20), logOutput: true))
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithLaunchCount(1)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("accel-short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(MarkdownExporter.GitHub, JsonExporter.Full);
        AddColumn(StatisticColumn.Median);
        AddColumn(AccelerationMetrics.Columns);
        WithOption(ConfigOptions.DisableOptimizationsValidator, true);
    }
}
