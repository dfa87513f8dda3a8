using BenchmarkDotNet.Running;
using Swarm.Core.Benchmarks;

if (args.Length >= 1 && args[0] == "--report")
{
    var report = await ScheduleReport.RunAsync(runs: 7);
    Console.WriteLine(report);
    if (args.Length >= 2)
    {
        await File.WriteAllTextAsync(args[1], report);
    }

    return;
}

if (args.Length >= 1 && args[0] == "--quick")
{
    // A quick per-node overhead check outside BenchmarkDotNet (for profiling the hot path while developing).
    await using var services = BenchGraph.CreateSwarm(checkpoints: Environment.GetEnvironmentVariable("SWARM_BENCH_NO_CHECKPOINTS") is null);
    var executor = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Swarm.ISwarmExecutor>(services);
    foreach (var graph in new[] { BenchGraph.Chain(1000), BenchGraph.FanOutIn(100), BenchGraph.Swarm(100, 15) })
    {
        var taskGraph = graph.ToTaskGraph();
        var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300;
        for (var i = 0; i < runs; i++)
        {
            await executor.RunAsync(taskGraph);
        }

        var bytes = GC.GetTotalAllocatedBytes(true);
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            await executor.RunAsync(taskGraph);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        bytes = GC.GetTotalAllocatedBytes(true) - bytes;
        var floorStart = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            await graph.RunTaskFloorAsync(hop: true);
        }

        var floor = System.Diagnostics.Stopwatch.GetElapsedTime(floorStart);
        Console.WriteLine($"{graph.Name,-12} {elapsed.TotalMicroseconds / runs / graph.Count,8:F3} us/node {bytes / runs / graph.Count,8} B/node; floor with a hop per node {floor.TotalMicroseconds / runs / graph.Count,8:F3} us/node");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchGraph).Assembly).Run(args);
