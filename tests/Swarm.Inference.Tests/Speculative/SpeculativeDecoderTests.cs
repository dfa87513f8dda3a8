namespace Swarm.Inference.Tests.Speculative;

[Collection(SpeculativeCollection.Name)]
public sealed class SpeculativeDecoderTests(SpeculativeFixture fixture)
{
    private static readonly LlamaGenerationOptions Greedy48 = new() { MaxTokens = 48, StopAtEndOfGeneration = false };

    [Fact]
    public async Task GenerateAsync_Explore_PrintsAcceptance()
    {
        var prompt = fixture.Target.Vocab.Tokenize("The swarm splits a goal into tasks");
        var plain = await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, 48);
        foreach (var (name, draft) in new[] { ("self", fixture.Target), ("pair", fixture.Draft), ("unrelated", fixture.Unrelated) })
        {
            using var decoder = SpeculativeDecoder.Create(fixture.Target, draft, new SpeculativeDecodingOptions { MaxDraftLength = 8 });
            var result = await decoder.GenerateAsync(prompt, Greedy48);
            Console.WriteLine($"{name}: {result.Report} equal={result.Tokens.SequenceEqual(plain)}");
            Assert.Equal(plain, result.Tokens);
        }
    }
}
