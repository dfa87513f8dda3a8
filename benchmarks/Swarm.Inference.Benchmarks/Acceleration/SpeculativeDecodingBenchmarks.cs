using System.Globalization;
using BenchmarkDotNet.Attributes;
using Swarm.Inference.Models;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Plain greedy decoding against speculative decoding with the pair's draft (adaptive K driven by the measured
/// verify-cost curve), the target as its own draft (α = 1 control) and an unrelated draft (α ≈ 0), on a compute-bound
/// (8 × 512 F32, ≈104 MB) and two memory-bound targets (20 × 2048 Q8_0, ≈1.1 GB; 12 × 1544 F32 in GEMM-declined
/// shapes, ≈1.37 GB), at two draft agreement levels
/// (the divergence of the target's extra layers). Every generation is a fresh sequence (cold KV cache, no draft reuse).</summary>
[MemoryDiagnoser]
[Config(typeof(AccelerationConfig))]
public class SpeculativeDecodingBenchmarks
{
    public const int Tokens = 48;
    private LlamaModel target = null!;
    private LlamaModel draft = null!;
    private LlamaModel unrelated = null!;
    private PlainGreedy plain = null!;
    private SpeculativeDecoder pairDecoder = null!;
    private SpeculativeDecoder selfDecoder = null!;
    private SpeculativeDecoder unrelatedDecoder = null!;
    private int[] prompt = [];
    private int[] reference = [];
    private double draftStep;
    private double selfStep;
    private VerifyCostCurve curve = null!;

    [Params("compute-bound", "memory-bound", "memory-bound-f32")]
    public string Target { get; set; } = "memory-bound";

    [Params(0.05f, 0.3f)]
    public float Divergence { get; set; } = 0.05f;

    private string Parameters => string.Create(CultureInfo.InvariantCulture, $"Target={Target},Divergence={Divergence}");

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        var pair = AccelerationModels.Pair(Target, Divergence);
        target = LlamaModel.Load(AccelerationModels.Path(pair.Target));
        draft = LlamaModel.Load(AccelerationModels.Path(pair.Draft));
        unrelated = LlamaModel.Load(AccelerationModels.Path(AccelerationModels.Unrelated(Target)));
        prompt = target.Vocab.Tokenize(AccelerationModels.FreeFormPrompt);
        curve = VerifyCostCurve.Measure(target, 25, 3);
        draftStep = AccelerationModels.SingleTokenSeconds(draft);
        selfStep = curve.SingleTokenSeconds;
        VerifyCostReport.Write($"{Target}-d{Divergence.ToString(CultureInfo.InvariantCulture)}", target, curve, draftStep);
        plain = new PlainGreedy(target);
        reference = plain.Generate(prompt, Tokens);
        var options = new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = curve, DraftStepCost = draftStep / curve.SingleTokenSeconds, SequenceContextSize = 512 };
        pairDecoder = SpeculativeDecoder.Create(target, draft, options);
        selfDecoder = SpeculativeDecoder.Create(target, target, new SpeculativeDecodingOptions { MaxDraftLength = 8, Adaptive = false, SequenceContextSize = 512 });
        unrelatedDecoder = SpeculativeDecoder.Create(target, unrelated, options);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        pairDecoder.Dispose();
        selfDecoder.Dispose();
        unrelatedDecoder.Dispose();
        plain.Dispose();
        target.Dispose();
        draft.Dispose();
        unrelated.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain greedy")]
    public int Plain()
    {
        var tokens = plain.Generate(prompt, Tokens);
        var key = AccelerationMetrics.Key(typeof(SpeculativeDecodingBenchmarks), nameof(Plain), Parameters);
        AccelerationMetrics.Set(key, "tokens", tokens.Length);
        AccelerationMetrics.Set(key, "genSeconds", plain.LastGenerationSeconds);
        return tokens.Length;
    }

    [Benchmark(Description = "draft model (pair)")]
    public Task<int> PairDraft() => Run(pairDecoder, nameof(PairDraft), draftStep);

    [Benchmark(Description = "target as own draft (α = 1)")]
    public Task<int> SelfDraft() => Run(selfDecoder, nameof(SelfDraft), selfStep);

    [Benchmark(Description = "unrelated draft (α ≈ 0)")]
    public Task<int> UnrelatedDraft() => Run(unrelatedDecoder, nameof(UnrelatedDraft), draftStep);

    private async Task<int> Run(SpeculativeDecoder decoder, string method, double step)
    {
        var result = await decoder.GenerateAsync(prompt, new LlamaGenerationOptions { MaxTokens = Tokens, StopAtEndOfGeneration = false });
        var key = AccelerationMetrics.Key(typeof(SpeculativeDecodingBenchmarks), method, Parameters);
        AccelerationMetrics.Set(key, "checked", 1);
        if (!result.Tokens.SequenceEqual(reference))
        {
            AccelerationMetrics.Set(key, "mismatch", 1);
        }

        AccelerationMetrics.Record(key, [result.Report], step, curve);
        return result.Tokens.Count;
    }
}
