using Microsoft.Extensions.AI;

namespace Swarm.Inference.Tests.Chat;

[Collection(LlamaCollection.Name)]
public sealed class LlamaEmbeddingGeneratorTests(LlamaFixture fixture)
{
    [Fact]
    public async Task GenerateAsync_Inputs_ReturnNormalizedDeterministicVectors()
    {
        using var generator = new LlamaEmbeddingGenerator(fixture.Model, batchSize: 128, modelId: "tiny");

        var result = await generator.GenerateAsync(["alpha beta", "gamma delta", "alpha beta"]);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(64, e.Vector.Length));
        Assert.All(result, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(v => (double)v * v)), 3));
        Assert.Equal(result[0].Vector.ToArray(), result[2].Vector.ToArray());
        Assert.NotEqual(result[0].Vector.ToArray(), result[1].Vector.ToArray());
        Assert.True(result.Usage!.InputTokenCount > 0);
        Assert.Equal(64, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
    }

    [Fact]
    public async Task GenerateAsync_InputLongerThanBatch_ThrowsOverflow()
    {
        using var generator = new LlamaEmbeddingGenerator(fixture.Model, batchSize: 32);

        await Assert.ThrowsAsync<LlamaContextOverflowException>(() => generator.GenerateAsync([new string('x', 100)]));
    }
}
