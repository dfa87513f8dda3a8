using System.Globalization;
using BenchmarkDotNet.Running;
using Swarm.Inference.Benchmarks;

if (args.Length > 0 && args[0] == "--interleaved")
{
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
    var output = Path.Combine(Paths.RepositoryRoot, "benchmarks", "results", "Swarm.Inference.Benchmarks.InterleavedGeneration-report.md");
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    InterleavedComparison.Run(rounds, output);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GenerationBenchmarks).Assembly).Run(args);
