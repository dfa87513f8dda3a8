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

BenchmarkSwitcher.FromAssembly(typeof(BenchGraph).Assembly).Run(args);
