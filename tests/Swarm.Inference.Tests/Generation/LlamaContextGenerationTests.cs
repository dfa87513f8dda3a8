namespace Swarm.Inference.Tests.Generation;

[Collection(LlamaCollection.Name)]
public sealed class LlamaContextGenerationTests(LlamaFixture fixture)
{
    [Fact]
    public async Task GenerateAsync_Greedy_IsDeterministic()
    {
        using var context = fixture.CreateContext();
        var options = new LlamaGenerationOptions { MaxTokens = 24, StopAtEndOfGeneration = false };

        var first = await Collect(context.GenerateAsync("Hello, swarm", options));
        var second = await Collect(context.GenerateAsync("Hello, swarm", options));

        Assert.Equal(24, first.Count);
        Assert.Equal(first.Select(t => t.Token), second.Select(t => t.Token));
        Assert.True(first.Select(t => t.Token).Distinct().Count() > 1, "random weights at ±0.3 give varied output");
    }

    internal static async Task<List<LlamaGeneratedToken>> Collect(IAsyncEnumerable<LlamaGeneratedToken> stream)
    {
        var list = new List<LlamaGeneratedToken>();
        await foreach (var t in stream)
        {
            list.Add(t);
        }

        return list;
    }
}
