using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>The synthetic models and prompts of the acceleration suite (written on first use, cached by spec hash).</summary>
public static class AccelerationModels
{
    /// <summary>Free-form prompt (short: prompt processing of a memory-bound model is expensive on one thread).</summary>
    public const string FreeFormPrompt = "Plan the swarm:";

    /// <summary>8 × 512 F32 dims (≈104 MB target): a verify batch costs close to its token count (compute-bound).</summary>
    public static SyntheticModelSpec ComputeBoundDraft { get; } = SyntheticModelSpec.Small with { Name = "accel-cb-draft", LayerCount = 1 };

    /// <summary>20 × 2048 Q8_0 dims (≈1.1 GB target), the largest weights per FLOP the CPU kernels read: a one-token decode
    /// streams all weights, so a verify batch of a few tokens should cost little more than one (memory-bound).</summary>
    public static SyntheticModelSpec MemoryBoundDraft { get; } = SyntheticModelSpec.Large with { Name = "accel-mb-draft", LayerCount = 1, WeightType = GgmlType.Q8_0 };

    /// <summary>12 × 1544 F32 dims (≈1.37 GB target) in shapes llamafile's GEMM declines (inner sizes 1544, 386 and 4104
    /// are not multiples of 16, head rows not of 4): every batch size runs ggml's blocked dot products, which reuse each
    /// block of weight rows for up to 16 tokens (memory-bound verify) and round exactly as a one-token decode does.</summary>
    public static SyntheticModelSpec MemoryBoundF32Draft { get; } = SyntheticModelSpec.Large with
    {
        Name = "accel-mbf32-draft", LayerCount = 1, EmbeddingLength = 1544, HeadCount = 4, KvHeadCount = 4, FeedForwardLength = 4104, WeightType = GgmlType.F32,
    };

    /// <summary>A memory-bound model (20 × 2048 Q8_0) that continues the printable cycle exactly (the prompt-lookup control).</summary>
    public static SyntheticModelSpec MemoryBoundSuccessor { get; } = SyntheticModelSpec.Large with
    {
        Name = "accel-mb-successor", LayerCount = 20, WeightType = GgmlType.Q8_0, Weights = SyntheticWeights.Successor, ResidualScale = 0f,
    };

    /// <summary>The successor model in the memory-bound F32 GEMM-declined shape (12 × 1544, ≈1.37 GB).</summary>
    public static SyntheticModelSpec MemoryBoundF32Successor { get; } = MemoryBoundF32Draft with
    {
        Name = "accel-mbf32-successor", LayerCount = 12, Weights = SyntheticWeights.Successor, ResidualScale = 0f,
    };

    /// <summary>The successor model with the same bytes as a 1.6 GB F32 model in two wide layers (2 × 4096, FFN 11008): shapes
    /// llamafile's F32 GEMM takes, so a verify of many tokens costs a few single decodes (its margins are wide enough that the
    /// batched rounding does not change a greedy token; the benchmark checks every output against plain decoding).</summary>
    public static SyntheticModelSpec WideF32Successor { get; } = SyntheticModelSpec.Large with
    {
        Name = "accel-wide-f32-successor", LayerCount = 2, EmbeddingLength = 4096, HeadCount = 32, KvHeadCount = 32, FeedForwardLength = 11008,
        WeightType = GgmlType.F32, Weights = SyntheticWeights.Successor, ResidualScale = 0f,
    };

    /// <summary>A mixture of 8 experts, 4 used per token by its metadata, 4 × 1024, F16 (≈0.45 GB).</summary>
    public static SyntheticModelSpec Moe { get; } = SyntheticModelSpec.Tiny with
    {
        Name = "accel-moe", LayerCount = 4, EmbeddingLength = 1024, HeadCount = 8, KvHeadCount = 8, FeedForwardLength = 2048,
        ExpertCount = 8, ExpertUsedCount = 4, WeightType = GgmlType.F16,
    };

    public static SyntheticModelPair Pair(string target, float divergence) => target switch
    {
        "compute-bound" => SyntheticModels.CreateDraftTargetPair(ComputeBoundDraft, 7, divergence),
        "memory-bound" => SyntheticModels.CreateDraftTargetPair(MemoryBoundDraft, 19, divergence),
        "memory-bound-f32" => SyntheticModels.CreateDraftTargetPair(MemoryBoundF32Draft, 11, divergence),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "compute-bound, memory-bound or memory-bound-f32"),
    };

    /// <summary>A model of the draft's shape and vocabulary with other weights: agreement ≈ 0.</summary>
    public static SyntheticModelSpec Unrelated(string target) => (target switch
    {
        "compute-bound" => ComputeBoundDraft,
        "memory-bound" => MemoryBoundDraft,
        _ => MemoryBoundF32Draft,
    }) with { Name = "accel-unrelated", Seed = 4242 };

    public static string Path(SyntheticModelSpec spec) => SyntheticModels.GetOrCreate(spec);

    /// <summary>The successor model a prompt-lookup name stands for: q8_0 (20 × 2048), f32 (12 × 1544, GEMM-declined) or
    /// wide-f32 (2 × 4096); <see langword="null"/> for any other name.</summary>
    public static SyntheticModelSpec? LookupModel(string name) => name switch
    {
        "q8_0" => MemoryBoundSuccessor,
        "f32" => MemoryBoundF32Successor,
        "wide-f32" => WideF32Successor,
        _ => null,
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, VerifyCostCurve> Curves = new(StringComparer.Ordinal);

    /// <summary>The verify-cost curve of <paramref name="model"/> (1…25 tokens, median of 5 each), measured once per model
    /// file and thread count in this process, so every benchmark case of a target is priced by the same curve.</summary>
    public static VerifyCostCurve Curve(LlamaModel model, string path)
        => Curves.GetOrAdd($"{path}|{Threads}", _ => VerifyCostCurve.Measure(model, 25, 5, Threads));

    /// <summary>Seconds of one single-token decode of <paramref name="model"/> (median of 9, after a 16-token context).</summary>
    public static double SingleTokenSeconds(LlamaModel model) => VerifyCostCurve.Measure(model, maxBatchSize: 1, repetitions: 9, threadCount: Threads).SingleTokenSeconds;

    /// <summary>Gets the decode threads of the suite: <c>SWARM_ACCEL_THREADS</c>, default 1 (the setting that is stable while
    /// other work shares these 2-core machines; 2 only on an idle machine).</summary>
    public static int Threads => int.TryParse(Environment.GetEnvironmentVariable("SWARM_ACCEL_THREADS"), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
}
