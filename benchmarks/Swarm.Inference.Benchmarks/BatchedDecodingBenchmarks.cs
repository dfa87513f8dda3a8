using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Swarm.Inference.Benchmarks;

/// <summary>N generations through the batched decoder at once (one llama_decode per step for all) against the same N one after another.</summary>
/// <remarks>Same decoder, model and greedy settings on both sides; each sequence: 8-token prompt, <see cref="Tokens"/> generated
/// tokens (<c>SWARM_BENCH_TOKENS</c>, default 16); <c>SWARM_BENCH_THREADS</c> decode threads (default 1; 2 only on an idle machine).</remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BatchedDecodingBenchmarks
{
    /// <summary>Gets the tokens each sequence generates.</summary>
    public static int Tokens => FromEnvironment("SWARM_BENCH_TOKENS", 16);

    /// <summary>Gets the decode threads.</summary>
    public static int Threads => FromEnvironment("SWARM_BENCH_THREADS", 1);
    private LlamaModel model = null!;
    private LlamaBatchedDecoder decoder = null!;
    private int[][] prompts = [];
    private readonly LlamaGenerationOptions options = new() { MaxTokens = Tokens, StopAtEndOfGeneration = false };

    private static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

    /// <summary>Gets the models to run: <c>SWARM_BENCH_MODELS</c> (comma-separated), default <c>small,large</c>.</summary>
    public static IEnumerable<string> Models => (Environment.GetEnvironmentVariable("SWARM_BENCH_MODELS") ?? "small,large").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "small";

    [Params(1, 2, 4, 8, 16)]
    public int Sequences { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        model = LlamaModel.Load(Paths.Model(Model));
        decoder = new LlamaBatchedDecoder(model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 16, SequenceContextSize = 256, BatchSize = 256, ThreadCount = Threads });
        prompts = Enumerable.Range(0, Sequences).Select(i => Paths.Prompt(8).Select(t => t + i).ToArray()).ToArray();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await decoder.DisposeAsync();
        model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "one after another")]
    public async Task<int> Sequential()
    {
        var total = 0;
        foreach (var prompt in prompts)
        {
            total += await Drain(decoder.Submit(prompt, options));
        }

        return total;
    }

    [Benchmark(Description = "batched decoder")]
    public async Task<int> Batched()
    {
        var sequences = decoder.SubmitAll(prompts, options);
        var counts = await Task.WhenAll(sequences.Select(Drain));
        return counts.Sum();
    }

    private static async Task<int> Drain(LlamaSequence sequence)
    {
        var n = 0;
        await foreach (var _ in sequence.ReadAllAsync())
        {
            n++;
        }

        return n;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1).WithInvocationCount(1).WithUnrollFactor(1).WithId("few"));
        }
    }
}
