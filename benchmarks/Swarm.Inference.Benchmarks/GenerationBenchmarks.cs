using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Swarm.Inference.Benchmarks;

/// <summary>Greedy generation, one thread: the binding against the plain C loop over llama.h on the same library and GGUF.</summary>
/// <remarks>Each operation prefills a 16-token prompt and generates <see cref="Tokens"/> tokens; Mean is per generated token.</remarks>
[MemoryDiagnoser]
[Config(typeof(StableConfig))]
public class GenerationBenchmarks
{
    public const int Tokens = 128;
    private readonly int[] prompt = Paths.Prompt(16);
    private LlamaModel model = null!;
    private LlamaContext context = null!;
    private LlamaSampler sampler = null!;
    private LlamaBatch batch = null!;
    private CLoop cloop = null!;

    [Params("tiny", "small")]
    public string Model { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        LlamaBackend.Initialize();
        var path = Paths.Model(Model);
        model = LlamaModel.Load(path);
        context = model.CreateContext(new LlamaContextOptions { ContextSize = 2048, BatchSize = 512, ThreadCount = 1 });
        sampler = new LlamaSampler(LlamaSamplerOptions.Greedy);
        batch = new LlamaBatch(512);
        cloop = new CLoop(path, 2048, 512);

        var expected = new int[Tokens];
        cloop.Generate(prompt, Tokens, expected);
        var actual = BindingLoopTokens();
        if (!expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException("The binding and the C loop generated different tokens.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        cloop.Dispose();
        batch.Dispose();
        sampler.Dispose();
        context.Dispose();
        model.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Tokens, Description = "C loop (llama.h)")]
    public int CLoopGenerate() => cloop.Generate(prompt, Tokens);

    [Benchmark(OperationsPerInvoke = Tokens, Description = "LlamaContext.Decode + LlamaSampler")]
    public int BindingLoop() => BindingLoopTokens()[^1];

    [Benchmark(OperationsPerInvoke = Tokens, Description = "LlamaContext.GenerateFromTokensAsync")]
    public async Task<int> BindingStream()
    {
        var last = 0;
        await foreach (var token in context.GenerateFromTokensAsync(prompt, new LlamaGenerationOptions { MaxTokens = Tokens, StopAtEndOfGeneration = false }))
        {
            last = token.Token;
        }

        return last;
    }

    private int[] BindingLoopTokens()
    {
        var output = new int[Tokens];
        context.RemoveTokens(0);
        batch.Clear();
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        var index = prompt.Length - 1;
        for (var i = 0; i < Tokens; i++)
        {
            var token = sampler.Sample(context, index);
            output[i] = token;
            if (i == Tokens - 1)
            {
                break;
            }

            batch.Clear();
            index = batch.Add(token, prompt.Length + i, 0, logits: true);
            context.Decode(batch);
        }

        return output;
    }
}
