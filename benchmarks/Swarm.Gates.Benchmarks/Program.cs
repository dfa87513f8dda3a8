using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// A short job: each operation runs hundreds of tool processes, so few iterations already give a stable median.
var config = DefaultConfig.Instance.AddJob(Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(15)
    .WithInvocationCount(1)
    .WithUnrollFactor(1)
    .WithId("ShortProcessJob"));
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
