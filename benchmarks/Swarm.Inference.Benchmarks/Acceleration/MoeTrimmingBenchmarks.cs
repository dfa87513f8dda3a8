using BenchmarkDotNet.Attributes;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Greedy generation of a mixture-of-experts model (8 experts, 4 used per token in its metadata, 4 × 1024 F16)
/// at 4 (the file's value, baseline), 2 and 1 experts per token through the validated expert_used_count override, with
/// the quality cost (top-1 agreement, mean KL against the untrimmed model over a fixed prompt set) as extra columns.</summary>
[MemoryDiagnoser]
[Config(typeof(AccelerationConfig))]
public class MoeTrimmingBenchmarks
{
    public const int Tokens = 32;
    private static readonly string[] QualityPrompts =
    [
        "The swarm splits a goal into sub-tasks.",
        "def route(task): return agents[task.kind]",
        "Gates check every answer before it ships.",
        "{\"step\": 3, \"status\": \"done\"}",
    ];

    private readonly Dictionary<int, (LlamaModel Model, PlainGreedy Plain)> models = [];
    private int[] prompt = [];

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        var path = AccelerationModels.Path(AccelerationModels.Moe);
        var report = MoeTrimmingAnalyzer.Measure(path, [4, 2, 1], QualityPrompts, new MoeTrimmingOptions { GeneratedTokens = 8, SpeedRuns = 1 });
        foreach (var r in report.Results)
        {
            var key = AccelerationMetrics.Key(typeof(MoeTrimmingBenchmarks), r.ExpertsUsed switch { 4 => nameof(Experts4), 2 => nameof(Experts2), _ => nameof(Experts1) }, string.Empty);
            AccelerationMetrics.Set(key, "top1", r.Top1Agreement);
            AccelerationMetrics.Set(key, "kl", r.MeanKlDivergence);
        }

        foreach (var n in new[] { 4, 2, 1 })
        {
            var model = MoeExpertTrimming.LoadWithExpertsUsed(path, n);
            models[n] = (model, new PlainGreedy(model));
        }

        prompt = models[4].Model.Vocab.Tokenize("Plan the swarm:");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (model, plain) in models.Values)
        {
            plain.Dispose();
            model.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "4 experts (file)")]
    public int Experts4() => Generate(4, nameof(Experts4));

    [Benchmark(Description = "2 experts")]
    public int Experts2() => Generate(2, nameof(Experts2));

    [Benchmark(Description = "1 expert")]
    public int Experts1() => Generate(1, nameof(Experts1));

    private int Generate(int experts, string method)
    {
        var (_, plain) = models[experts];
        var n = plain.Generate(prompt, Tokens).Length;
        AccelerationMetrics.Set(AccelerationMetrics.Key(typeof(MoeTrimmingBenchmarks), method, string.Empty), "genSeconds", plain.LastGenerationSeconds);
        return n;
    }
}
