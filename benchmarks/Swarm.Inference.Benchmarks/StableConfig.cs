using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Swarm.Inference.Benchmarks;

/// <summary>More iterations than the short job (the machine is shared and noisy) and the median beside the mean.</summary>
public sealed class StableConfig : ManualConfig
{
    public StableConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1).WithId("stable"));
        AddColumn(StatisticColumn.Median);
    }
}
