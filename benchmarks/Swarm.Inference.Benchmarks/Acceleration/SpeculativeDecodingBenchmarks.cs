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
    private double draftStep; // relative to a target one-token decode
    private (double SecondsPerToken, double TotalSeconds) paired;
    private VerifyCostCurve curve = null!;

    /// <summary>Gets the targets: <c>SWARM_ACCEL_TARGETS</c> (comma-separated: compute-bound, memory-bound, memory-bound-f32),
    /// by default the compute-bound and the memory-bound F32 target (the Q8_0 target is not memory-bound for a verify batch on
    /// this CPU: two tokens cost 1.9× one).</summary>
    public static IEnumerable<string> Targets => (Environment.GetEnvironmentVariable("SWARM_ACCEL_TARGETS") ?? "compute-bound,memory-bound-f32")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Gets the divergences of the target's extra layers: <c>SWARM_ACCEL_DIVERGENCES</c> (comma-separated), by default
    /// 0.015 (acceptance ≈ 0.98 on these pairs), 0.02 (≈ 0.7) and 0.05 (≈ 0.6 on the F32 pair, ≈ 0.2 on the deep Q8_0 pair).</summary>
    public static IEnumerable<float> Divergences => (Environment.GetEnvironmentVariable("SWARM_ACCEL_DIVERGENCES") ?? "0.015,0.02,0.05")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(d => float.Parse(d, CultureInfo.InvariantCulture));

    [ParamsSource(nameof(Targets))]
    public string Target { get; set; } = "memory-bound-f32";

    [ParamsSource(nameof(Divergences))]
    public float Divergence { get; set; } = 0.015f;

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
        curve = AccelerationModels.Curve(target, AccelerationModels.Path(pair.Target));
        var targetStep = AccelerationModels.SingleTokenSeconds(target);
        draftStep = AccelerationModels.SingleTokenSeconds(draft) / targetStep;
        VerifyCostReport.Write($"{Target}-d{Divergence.ToString(CultureInfo.InvariantCulture)}{(AccelerationModels.Threads == 1 ? string.Empty : $"-{AccelerationModels.Threads}threads")}", target, curve, draftStep * curve.SingleTokenSeconds);
        plain = new PlainGreedy(target);
        reference = plain.Generate(prompt, Tokens);
        var options = new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = curve, DraftStepCost = draftStep, SequenceContextSize = 512, ThreadCount = AccelerationModels.Threads };
        pairDecoder = SpeculativeDecoder.Create(target, draft, options);
        selfDecoder = SpeculativeDecoder.Create(target, target, new SpeculativeDecodingOptions { MaxDraftLength = 8, Adaptive = false, SequenceContextSize = 512, ThreadCount = AccelerationModels.Threads });
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

    /// <summary>Runs plain decoding just before each speculative invocation, so that invocation's measured and predicted
    /// speedups are taken against the machine as it is at that moment.</summary>
    [IterationSetup(Targets = [nameof(PairDraft), nameof(SelfDraft), nameof(UnrelatedDraft)])]
    public void PairedPlain()
    {
        plain.Generate(prompt, Tokens);
        paired = plain.LastTiming;
    }

    [Benchmark(Description = "draft model (pair)")]
    public Task<int> PairDraft() => Run(pairDecoder, nameof(PairDraft), draftStep);

    [Benchmark(Description = "target as own draft (α = 1)")]
    public Task<int> SelfDraft() => Run(selfDecoder, nameof(SelfDraft), step: 1); // the target drafting for itself: one target step per draft token

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

        AccelerationMetrics.Record(key, [result.Report], step, curve, paired);
        return result.Tokens.Count;
    }
}
