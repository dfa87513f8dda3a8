using System.Globalization;
using BenchmarkDotNet.Running;
using Swarm.Inference.Benchmarks;

if (args.Length > 0 && args[0] == "--interleaved")
{
    // --interleaved [rounds] [generation|none] [batched models, comma-separated, e.g. small,large]
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
    var generation = args.Length <= 2 || args[2] == "generation";
    var batched = args.Length > 3 ? args[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["small", "large"];
    var file = generation ? "Swarm.Inference.Benchmarks.Interleaved-report.md" : $"Swarm.Inference.Benchmarks.InterleavedBatched-{string.Join('-', batched)}-report.md";
    var output = Path.Combine(Paths.RepositoryRoot, "benchmarks", "results", file);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    InterleavedComparison.Run(rounds, output, generation, batched);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GenerationBenchmarks).Assembly).Run(args);
