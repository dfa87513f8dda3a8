using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Speculative;

/// <summary>A tiny target with drafts of known agreement: its own draft (α = 1), the draft of its draft/target pair
/// (partial agreement), an unrelated model of the same vocabulary (α ≈ 0) and a successor-cycle model for prompt lookup.</summary>
/// <remarks>Fails (never skips) with the install hint when the native libraries are missing.</remarks>
public sealed class SpeculativeFixture : IDisposable
{
    public SpeculativeFixture()
    {
        try
        {
            LlamaBackend.Initialize();
        }
        catch (LlamaNativeLibraryException ex)
        {
            throw new InvalidOperationException("llama.cpp native libraries are missing: run `bash eng/setup.sh`. " + ex.Message, ex);
        }

        Pair = SyntheticModels.CreateDraftTargetPair(BatchInvariant with { Name = "spec-draft", Seed = 11 }, extraTargetLayers: 1, divergence: 0.35f);
        Target = LlamaModel.Load(SyntheticModels.GetOrCreate(Pair.Target));
        Draft = LlamaModel.Load(SyntheticModels.GetOrCreate(Pair.Draft));
        Unrelated = LlamaModel.Load(SyntheticModels.GetOrCreate(BatchInvariant with { Name = "spec-unrelated", Seed = 977 }));
        Successor = LlamaModel.Load(SyntheticModels.GetOrCreate(BatchInvariant with { Name = "spec-successor", Weights = SyntheticWeights.Successor, ResidualScale = 0f }));
    }

    /// <summary>Gets a tiny spec whose every matrix product takes the same CPU kernel for one token as for many.</summary>
    /// <remarks>llama.cpp's CPU backend multiplies a one-token batch with ggml's dot products but a batch of two or more
    /// with llamafile's tiled GEMM when the shapes allow it (inner size a multiple of the SIMD width, rows a multiple of
    /// 4); the two round differently, so a verify batch can flip the arg-max of a near-tie that plain one-token decoding
    /// resolves the other way. With an embedding of 68, heads of 34 and a feed-forward of 132 no product qualifies for
    /// the GEMM, so decoding is batch-invariant and greedy speculative output must be token for token identical.</remarks>
    public static SyntheticModelSpec BatchInvariant { get; } = SyntheticModelSpec.Tiny with
    {
        Name = "batch-invariant", EmbeddingLength = 68, HeadCount = 2, KvHeadCount = 2, FeedForwardLength = 132,
    };

    public SyntheticModelPair Pair { get; }

    public LlamaModel Target { get; }

    public LlamaModel Draft { get; }

    public LlamaModel Unrelated { get; }

    public LlamaModel Successor { get; }

    /// <summary>Plain greedy decoding of <paramref name="model"/>: the reference speculative output must equal.</summary>
    public static async Task<int[]> PlainGreedyAsync(LlamaModel model, IReadOnlyList<int> prompt, int maxTokens)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 512, BatchSize = 128 });
        var tokens = new List<int>();
        await foreach (var t in context.GenerateFromTokensAsync(prompt, new LlamaGenerationOptions { MaxTokens = maxTokens, StopAtEndOfGeneration = false }))
        {
            tokens.Add(t.Token);
        }

        return [.. tokens];
    }

    public void Dispose()
    {
        Target.Dispose();
        Draft.Dispose();
        Unrelated.Dispose();
        Successor.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SpeculativeCollection : ICollectionFixture<SpeculativeFixture>
{
    public const string Name = "speculative";
}
