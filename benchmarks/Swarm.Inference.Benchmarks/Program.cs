using System.Globalization;
using BenchmarkDotNet.Running;
using Swarm.Inference.Benchmarks;

if (args.Length > 0 && args[0] == "--interleaved")
{
    // --interleaved [rounds] [generation|none] [batched models, comma-separated, e.g. small,large] [threads per decode, default 1]
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
    var generation = args.Length <= 2 || args[2] == "generation";
    var batched = args.Length > 3 ? args[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["small", "large"];
    var threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
    var suffix = threads == 1 ? string.Empty : $"-{threads}threads";
    var file = generation ? "Swarm.Inference.Benchmarks.Interleaved-report.md" : $"Swarm.Inference.Benchmarks.InterleavedBatched-{string.Join('-', batched)}{suffix}-report.md";
    var output = Path.Combine(Paths.RepositoryRoot, "benchmarks", "results", file);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    InterleavedComparison.Run(rounds, output, generation, batched, threads);
    return;
}

if (args.Length > 0 && args[0] == "--node-side-by-side")
{
    // --node-side-by-side [rounds, default 3] [tokens, default 48]: Swarm.Inference beside node-llama-cpp 3.22.1 (benchmarks/node).
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
    var tokens = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 48;
    var output = Path.Combine(Paths.RepositoryRoot, "benchmarks", "results", "node-side-by-side.md");
    Swarm.Inference.Benchmarks.Acceleration.NodeSideBySide.Run(rounds, tokens, output);
    return;
}

if (args.Length > 0 && args[0] == "--verify-curve")
{
    // --verify-curve <model: wide-f32 | f32 | q8_0 | a Paths.Model name> [threads, default 1] [context tokens, comma-separated, default 32]:
    // prints the model's verify-cost curve (1…25 tokens, median of 5) at each context length.
    var name = args.Length > 1 ? args[1] : "small";
    var threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
    var contexts = args.Length > 3 ? args[3].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [32];
    var path = Swarm.Inference.Benchmarks.Acceleration.AccelerationModels.LookupModel(name) is { } spec
        ? Swarm.Inference.Benchmarks.Acceleration.AccelerationModels.Path(spec)
        : Paths.Model(name);
    Swarm.Inference.LlamaBackend.Initialize();
    using var model = Swarm.Inference.LlamaModel.Load(path);
    foreach (var context in contexts)
    {
        var curve = Swarm.Inference.VerifyCostCurve.Measure(model, 25, 5, threads, contextTokens: context);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, {threads} thread(s), {context} context tokens: one token {curve.SingleTokenSeconds * 1000:0.00} ms; {curve}"));
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GenerationBenchmarks).Assembly).Run(args);
