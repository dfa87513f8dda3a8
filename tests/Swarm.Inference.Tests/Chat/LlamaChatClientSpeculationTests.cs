using Microsoft.Extensions.AI;
using Swarm.Inference.Tests.Speculative;

namespace Swarm.Inference.Tests.Chat;

/// <summary>The chat client over a <see cref="SpeculativeDecoder"/>, on batch-invariant models (see
/// <see cref="SpeculativeFixture.BatchInvariant"/>): greedy answers must equal the plain chat client's.</summary>
[Collection(SpeculativeCollection.Name)]
public sealed class LlamaChatClientSpeculationTests(SpeculativeFixture fixture)
{
    private static readonly string[] Questions = ["Plan the work, then plan it again", "for (i = 0; i < n; i++) { a[i] = i; }", "Summarize: the cat sat. the cat sat.", "abc abc abc"];

    [Fact]
    public async Task GetResponseAsync_DraftModelGreedy_EqualsPlainClientAndReportsAcceptance()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = 4, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var options = new ChatOptions { MaxOutputTokens = 32 };

        foreach (var question in Questions)
        {
            var response = await client.GetResponseAsync(question, options);

            var plain = await PlainAnswerAsync(question, options);
            Assert.Equal(plain.Text, response.Text);
            Assert.Equal(plain.Usage!.OutputTokenCount, response.Usage!.OutputTokenCount);
            Assert.Equal(plain.FinishReason, response.FinishReason);
            Assert.Equal("draft-model", response.AdditionalProperties![LlamaSpeculationProperties.Mode]);
            var drafted = (int)response.AdditionalProperties[LlamaSpeculationProperties.DraftedTokens]!;
            var accepted = (int)response.AdditionalProperties[LlamaSpeculationProperties.AcceptedTokens]!;
            Assert.True(drafted > 0);
            Assert.InRange(accepted, 0, drafted);
            Assert.Equal((double)accepted / drafted, (double)response.AdditionalProperties[LlamaSpeculationProperties.AcceptanceRate]!, 9);
            Assert.Equal(drafted, response.Usage.AdditionalCounts![LlamaSpeculationProperties.DraftedTokens]);
        }
    }

    [Fact]
    public async Task GetResponseAsync_PromptLookupGreedy_EqualsPlainClient()
    {
        using var speculative = SpeculativeDecoder.CreatePromptLookup(fixture.Target, new PromptLookupOptions { MinNgramSize = 1 }, new SpeculativeDecodingOptions { SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var options = new ChatOptions { MaxOutputTokens = 40 };

        foreach (var question in Questions)
        {
            var response = await client.GetResponseAsync(question, options);

            Assert.Equal((await PlainAnswerAsync(question, options)).Text, response.Text);
            Assert.Equal("prompt-lookup", response.AdditionalProperties![LlamaSpeculationProperties.Mode]);
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Speculative_UpdatesConcatenateToTheResponseAndLastCarriesFigures()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Target, new SpeculativeDecodingOptions { MaxDraftLength = 6, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var options = new ChatOptions { MaxOutputTokens = 30 };

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Stream this", options))
        {
            updates.Add(update);
        }

        Assert.Equal((await PlainAnswerAsync("Stream this", options)).Text, string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "tokens are streamed as they are accepted, not at the end");
        Assert.NotNull(updates[^1].FinishReason);
        Assert.Equal(1.0, (double)updates[^1].AdditionalProperties![LlamaSpeculationProperties.AcceptanceRate]!);
    }

    [Fact]
    public async Task GetResponseAsync_ConcurrentCallsBeyondSequences_EachEqualsPlainAnswer()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = 4, MaxSequenceCount = 2, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var options = new ChatOptions { MaxOutputTokens = 24 };
        var questions = Enumerable.Range(0, 6).Select(i => $"Agent {i} asks question {i * 7}?").ToArray();

        var concurrent = await Task.WhenAll(questions.Select(q => client.GetResponseAsync(q, options)));

        for (var i = 0; i < questions.Length; i++)
        {
            Assert.Equal((await PlainAnswerAsync(questions[i], options)).Text, concurrent[i].Text);
        }
    }

    [Fact]
    public async Task GetResponseAsync_SpeculativeStopSequence_TruncatesLikePlainClient()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Target, new SpeculativeDecodingOptions { MaxDraftLength = 8, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var full = (await client.GetResponseAsync("Stop somewhere", new ChatOptions { MaxOutputTokens = 40 })).Text;
        Assert.True(full.Length >= 12, full);
        var options = new ChatOptions { MaxOutputTokens = 40, StopSequences = [full.Substring(8, 3)] };

        var response = await client.GetResponseAsync("Stop somewhere", options);

        Assert.Equal((await PlainAnswerAsync("Stop somewhere", options)).Text, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_SpeculativeSampling_ReturnsSeededReproducibleText()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = 4, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        var options = new ChatOptions { MaxOutputTokens = 20, Temperature = 0.8f, Seed = 42 };

        var first = await client.GetResponseAsync("Sample this", options);
        var second = await client.GetResponseAsync("Sample this", options);

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(20, first.Usage!.OutputTokenCount);
        Assert.True((int)first.AdditionalProperties![LlamaSpeculationProperties.VerifySteps]! > 0);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SpeculativeCancelledToken_ThrowsOperationCanceledAndDecoderServesNextCall()
    {
        using var speculative = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = 4, SequenceContextSize = 256 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Cancel me", new ChatOptions { MaxOutputTokens = 200 }, cts.Token))
            {
                Assert.Fail("a cancelled request yields no text");
            }
        });

        var options = new ChatOptions { MaxOutputTokens = 12 };
        Assert.Equal((await PlainAnswerAsync("Next", options)).Text, (await client.GetResponseAsync("Next", options)).Text);
    }

    [Fact]
    public void CreateSpeculative_RepeatPenalty_ThrowsArgumentException()
    {
        using var speculative = SpeculativeDecoder.CreatePromptLookup(fixture.Target, options: new SpeculativeDecodingOptions { SequenceContextSize = 64 });

        var ex = Assert.Throws<ArgumentException>(() => LlamaChatClient.CreateSpeculative(speculative, new LlamaChatClientOptions { DefaultSampling = new LlamaSamplerOptions { RepeatPenalty = 1.1f } }));

        Assert.Contains("repeat penalty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetService_Speculative_ReturnsDecoderAndTargetModel()
    {
        using var speculative = SpeculativeDecoder.CreatePromptLookup(fixture.Target, options: new SpeculativeDecodingOptions { SequenceContextSize = 64 });
        using var client = LlamaChatClient.CreateSpeculative(speculative);

        Assert.Same(speculative, client.GetService<SpeculativeDecoder>());
        Assert.Same(fixture.Target, client.GetService<LlamaModel>());
        Assert.Null(client.GetService<LlamaBatchedDecoder>());
    }

    private async Task<ChatResponse> PlainAnswerAsync(string question, ChatOptions options)
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Target, new LlamaBatchedDecoderOptions { MaxSequenceCount = 1, SequenceContextSize = 256, BatchSize = 128 });
        using var client = new LlamaChatClient(decoder);
        return await client.GetResponseAsync(question, options);
    }
}
