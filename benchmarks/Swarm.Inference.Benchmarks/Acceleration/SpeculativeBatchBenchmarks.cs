using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Several agents decoding speculatively at once: 1, 4 or 8 sequences in one target context and one draft
/// context (one draft decode per draft position and one verify decode per step serve all of them), against plain greedy
/// decoding of one sequence; the Tok/s ratio column is the aggregate throughput over the plain single-sequence one.
/// Memory-bound F32 target in GEMM-declined shapes (12 × 1544, ≈1.37 GB), its 1-layer pair draft at divergence 0.05, K ≤ 4.</summary>
[MemoryDiagnoser]
[Config(typeof(AccelerationConfig))]
public class SpeculativeBatchBenchmarks
{
    public const int Tokens = 32;
    private LlamaModel target = null!;
    private LlamaModel draft = null!;
    private PlainGreedy plain = null!;
    private SpeculativeDecoder decoder = null!;
    private IReadOnlyList<int>[] prompts = [];

    [Params(1, 4, 8)]
    public int Sequences { get; set; } = 1;

    private string Parameters => string.Create(CultureInfo.InvariantCulture, $"Sequences={Sequences}");

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        var pair = AccelerationModels.Pair("memory-bound-f32", 0.05f);
        target = LlamaModel.Load(AccelerationModels.Path(pair.Target));
        draft = LlamaModel.Load(AccelerationModels.Path(pair.Draft));
        plain = new PlainGreedy(target);
        string[] texts = ["Plan the swarm:", "Route task 7:", "Gate report:", "Agent memory:", "Refine step:", "Audit log:", "Merge plan:", "Retry policy:"];
        prompts = texts.Take(Sequences).Select(t => (IReadOnlyList<int>)target.Vocab.Tokenize(t)).ToArray();
        decoder = SpeculativeDecoder.Create(target, draft, new SpeculativeDecodingOptions { MaxDraftLength = 4, MaxSequenceCount = Sequences, SequenceContextSize = 256 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        decoder.Dispose();
        plain.Dispose();
        target.Dispose();
        draft.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain greedy, 1 sequence")]
    public int Plain()
    {
        var key = AccelerationMetrics.Key(typeof(SpeculativeBatchBenchmarks), nameof(Plain), Parameters);
        AccelerationMetrics.Set(key, "sequences", 1);
        return plain.Generate([.. prompts[0]], Tokens).Length;
    }

    [Benchmark(Description = "speculative, N sequences at once")]
    public async Task<int> Speculative()
    {
        var results = await decoder.GenerateBatchAsync(prompts, new LlamaGenerationOptions { MaxTokens = Tokens, StopAtEndOfGeneration = false });
        var key = AccelerationMetrics.Key(typeof(SpeculativeBatchBenchmarks), nameof(Speculative), Parameters);
        AccelerationMetrics.Record(key, results.Select(r => r.Report), 0, null);
        AccelerationMetrics.Set(key, "sequences", Sequences);
        return results.Sum(r => r.Tokens.Count);
    }
}
