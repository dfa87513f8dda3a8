using Swarm.Inference.Models;

namespace Swarm.Inference.Tests;

/// <summary>Loads the tiny synthetic model once for every test that needs llama.cpp.</summary>
/// <remarks>Fails (never skips) with the install hint when the native libraries are missing.</remarks>
public sealed class LlamaFixture : IDisposable
{
    public LlamaFixture()
    {
        try
        {
            LlamaBackend.Initialize();
        }
        catch (LlamaNativeLibraryException ex)
        {
            throw new InvalidOperationException("llama.cpp native libraries are missing: run `bash eng/setup.sh`. " + ex.Message, ex);
        }

        ModelPath = SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny);
        Model = LlamaModel.Load(ModelPath);
    }

    public string ModelPath { get; }

    public LlamaModel Model { get; }

    public LlamaContext CreateContext(int contextSize = 256, int sequences = 1)
        => Model.CreateContext(new LlamaContextOptions { ContextSize = contextSize, MaxSequenceCount = sequences, BatchSize = 128 });

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class LlamaCollection : ICollectionFixture<LlamaFixture>
{
    public const string Name = "llama.cpp";
}
