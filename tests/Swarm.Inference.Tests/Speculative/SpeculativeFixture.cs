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

        Pair = SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny with { Name = "spec-draft", Seed = 11 }, extraTargetLayers: 1, divergence: 0.35f);
        Target = LlamaModel.Load(SyntheticModels.GetOrCreate(Pair.Target));
        Draft = LlamaModel.Load(SyntheticModels.GetOrCreate(Pair.Draft));
        Unrelated = LlamaModel.Load(SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny with { Name = "spec-unrelated", Seed = 977 }));
        Successor = LlamaModel.Load(SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny with { Name = "spec-successor", Weights = SyntheticWeights.Successor, ResidualScale = 0f }));
    }

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
