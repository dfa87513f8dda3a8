using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Swarm.Inference.Benchmarks;

/// <summary>Prompt processing (prefill) of 256 tokens in one batch, one thread: the binding against the C loop.</summary>
/// <remarks>Mean is per prompt token.</remarks>
[MemoryDiagnoser]
[Config(typeof(StableConfig))]
public class PromptProcessingBenchmarks
{
    public const int PromptTokens = 256;
    private readonly int[] prompt = Paths.Prompt(PromptTokens);
    private LlamaModel model = null!;
    private LlamaContext context = null!;
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
        batch = new LlamaBatch(512);
        cloop = new CLoop(path, 2048, 512);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        cloop.Dispose();
        batch.Dispose();
        context.Dispose();
        model.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PromptTokens, Description = "C loop (llama.h)")]
    public int CLoopPrefill() => cloop.Prefill(prompt);

    [Benchmark(OperationsPerInvoke = PromptTokens, Description = "LlamaContext.Decode")]
    public int BindingPrefill()
    {
        context.RemoveTokens(0);
        batch.Clear();
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        return batch.Count;
    }
}
