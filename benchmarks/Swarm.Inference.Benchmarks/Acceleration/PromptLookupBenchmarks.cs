using BenchmarkDotNet.Attributes;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Plain greedy decoding against prompt-lookup decoding on memory-bound models that are known to continue the
/// printable cycle (20 × 2048 Q8_0, ≈1.1 GB; 12 × 1544 F32 in GEMM-declined shapes, ≈1.37 GB): on copy-heavy text (the prompt already holds what comes next, like code
/// being edited) and on text with no repeats (nothing to look up: it must back off to plain cost).
/// Every generation is a fresh sequence (cold KV cache). Copy-heavy generations are 192 tokens (an edit of a file runs long;
/// the first draft is a one-token probe and the 96-token prompt is processed in both columns, so short runs mostly measure
/// those); no-repeat generations stop at 64 tokens, before the 95-character cycle could repeat.</summary>
[MemoryDiagnoser]
[Config(typeof(AccelerationConfig))]
public class PromptLookupBenchmarks
{
    public const int CopyHeavyTokens = 192;
    public const int NoRepeatTokens = 64;
    private LlamaModel model = null!;
    private PlainGreedy plain = null!;
    private SpeculativeDecoder decoder = null!;
    private int[] prompt = [];
    private int[] reference = [];
    private VerifyCostCurve curve = null!;
    private (double SecondsPerToken, double TotalSeconds) paired;

    /// <summary>Gets or sets the model: q8_0 (20 × 2048), f32 (12 × 1544, GEMM-declined) or wide-f32 (2 × 4096); <c>SWARM_LOOKUP_MODELS</c> (comma-separated) picks, default q8_0,f32.</summary>
    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "q8_0";

    public static IEnumerable<string> Models => Environment.GetEnvironmentVariable("SWARM_LOOKUP_MODELS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? ["q8_0", "f32"];

    [Params("copy-heavy", "no-repeat")]
    public string Text { get; set; } = "copy-heavy";

    // In the order BenchmarkDotNet lists the parameters (Params before ParamsSource).
    private string Parameters => $"Text={Text},Model={Model}";

    private int Tokens => Text == "copy-heavy" ? CopyHeavyTokens : NoRepeatTokens;

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        var path = AccelerationModels.Path(AccelerationModels.LookupModel(Model) ?? AccelerationModels.MemoryBoundSuccessor);
        model = LlamaModel.Load(path);

        // Copy-heavy: the prompt is the whole printable cycle once around, from "/" back to "/" (96 characters), so every
        // n-gram of what the model writes next ("0123…", round and round) is in the text already, as when code is edited.
        // No-repeat: two characters; the next 64 never repeat an n-gram (the cycle is 95 characters long).
        var cycle = new string(Enumerable.Range(0, 96).Select(i => (char)(' ' + (('/' - ' ' + i) % 95))).ToArray());
        prompt = model.Vocab.Tokenize(Text == "copy-heavy" ? cycle : "ab");
        // The verify-cost curve gives the prediction: a lookup draft costs no model time, so the predicted speedup is
        // E[accepted + 1] × t_plain / t_verify(K + 1) with the prompt added on both sides (the control with known acceptance).
        curve = AccelerationModels.Curve(model, path);
        plain = new PlainGreedy(model);
        reference = plain.Generate(prompt, Tokens);
        decoder = SpeculativeDecoder.CreatePromptLookup(
            model,
            new PromptLookupOptions { MinNgramSize = 1, MaxNgramSize = 4, MaxDraftLength = 24 },
            new SpeculativeDecodingOptions { MaxDraftLength = 24, InitialDraftLength = 24, Adaptive = false, SequenceContextSize = 512, ThreadCount = AccelerationModels.Threads });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        decoder.Dispose();
        plain.Dispose();
        model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain greedy")]
    public int Plain()
    {
        var tokens = plain.Generate(prompt, Tokens);
        var key = AccelerationMetrics.Key(typeof(PromptLookupBenchmarks), nameof(Plain), Parameters);
        AccelerationMetrics.Set(key, "tokens", tokens.Length);
        AccelerationMetrics.Set(key, "genSeconds", plain.LastGenerationSeconds);
        return tokens.Length;
    }

    /// <summary>Runs plain decoding just before each lookup invocation (the paired baseline of its Meas/Pred).</summary>
    [IterationSetup(Target = nameof(PromptLookup))]
    public void PairedPlain()
    {
        plain.Generate(prompt, Tokens);
        paired = plain.LastTiming;
    }

    [Benchmark(Description = "prompt lookup")]
    public async Task<int> PromptLookup()
    {
        var result = await decoder.GenerateAsync(prompt, new LlamaGenerationOptions { MaxTokens = Tokens, StopAtEndOfGeneration = false });
        var key = AccelerationMetrics.Key(typeof(PromptLookupBenchmarks), nameof(PromptLookup), Parameters);
        AccelerationMetrics.Record(key, [result.Report], 0, curve, paired);
        AccelerationMetrics.Set(key, "checked", 1);
        if (!result.Tokens.SequenceEqual(reference))
        {
            AccelerationMetrics.Set(key, "mismatch", 1);
        }

        return result.Tokens.Count;
    }
}
