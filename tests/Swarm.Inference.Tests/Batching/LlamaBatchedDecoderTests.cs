using Swarm.Inference.Tests.Generation;

namespace Swarm.Inference.Tests.Batching;

[Collection(LlamaCollection.Name)]
public sealed class LlamaBatchedDecoderTests(LlamaFixture fixture)
{
    private static readonly string[] Prompts = ["The swarm", "An agent plans", "Quality gates", "llama.cpp under C#"];

    [Fact]
    public async Task Submit_FourSequencesInOneBatch_EachEqualsRunningAlone()
    {
        var options = new LlamaGenerationOptions { MaxTokens = 32, StopAtEndOfGeneration = false };
        var solo = new List<int[]>();
        using (var context = fixture.CreateContext())
        {
            foreach (var prompt in Prompts)
            {
                solo.Add((await LlamaContextGenerationTests.Collect(context.GenerateAsync(prompt, options))).Select(t => t.Token).ToArray());
            }
        }

        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 4, SequenceContextSize = 256, BatchSize = 128 });
        var sequences = decoder.SubmitAll(Prompts.Select(p => fixture.Model.Vocab.Tokenize(p)), options);
        var batched = await Task.WhenAll(sequences.Select(ReadTokens));

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(solo[i], batched[i]);
            Assert.Equal(LlamaFinishReason.MaxTokens, await sequences[i].Completion);
        }

        // One decode per step serves all four: the prompts in step 1, then one step per further token (not 4 × 32).
        Assert.Equal(32, decoder.DecodeCount);
    }

    [Fact]
    public async Task SubmitAll_AfterEarlierSequencesLeft_ReusesLowestIdsInOrder()
    {
        // llama.cpp puts a multi-stream step in one micro-batch only for consecutive, increasing sequence ids.
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 4, SequenceContextSize = 256, BatchSize = 64 });
        var options = new LlamaGenerationOptions { MaxTokens = 4, StopAtEndOfGeneration = false };
        var prompts = Prompts.Select(p => fixture.Model.Vocab.Tokenize(p)).ToArray();
        await Task.WhenAll(decoder.SubmitAll(prompts, options).Select(ReadTokens));

        var second = decoder.SubmitAll(prompts, options);
        await Task.WhenAll(second.Select(ReadTokens));

        Assert.Equal([0, 1, 2, 3], second.Select(s => s.SequenceId));
    }

    [Fact]
    public async Task Submit_SequenceJoinsWhileAnotherGenerates_BothEqualSolo()
    {
        var longRun = new LlamaGenerationOptions { MaxTokens = 60, StopAtEndOfGeneration = false };
        var shortRun = new LlamaGenerationOptions { MaxTokens = 10, StopAtEndOfGeneration = false };
        int[] soloA;
        int[] soloB;
        using (var context = fixture.CreateContext())
        {
            soloA = (await LlamaContextGenerationTests.Collect(context.GenerateAsync(Prompts[0], longRun))).Select(t => t.Token).ToArray();
            soloB = (await LlamaContextGenerationTests.Collect(context.GenerateAsync(Prompts[1], shortRun))).Select(t => t.Token).ToArray();
        }

        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 64 });
        var a = decoder.Submit(fixture.Model.Vocab.Tokenize(Prompts[0]), longRun);
        var tokensA = new List<int>();
        Task<int[]>? joined = null;
        LlamaSequence? b = null;
        await foreach (var token in a.ReadAllAsync())
        {
            tokensA.Add(token.Token);
            if (tokensA.Count == 5)
            {
                b = decoder.Submit(fixture.Model.Vocab.Tokenize(Prompts[1]), shortRun);
                joined = ReadTokens(b);
            }
        }

        Assert.Equal(soloA, tokensA);
        Assert.Equal(soloB, await joined!);
        Assert.Equal(0, decoder.ActiveSequenceCount);
    }

    [Fact]
    public async Task Submit_MoreSequencesThanSlots_QueueAndMatchSolo()
    {
        var options = new LlamaGenerationOptions { MaxTokens = 12, StopAtEndOfGeneration = false };
        var prompts = Enumerable.Range(0, 6).Select(i => $"agent {i} says").ToArray();
        var solo = new List<int[]>();
        using (var context = fixture.CreateContext())
        {
            foreach (var prompt in prompts)
            {
                solo.Add((await LlamaContextGenerationTests.Collect(context.GenerateAsync(prompt, options))).Select(t => t.Token).ToArray());
            }
        }

        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 64 });
        var results = await Task.WhenAll(prompts.Select(p => ReadTokens(decoder.Submit(fixture.Model.Vocab.Tokenize(p), options))));

        Assert.Equal(solo, results);
    }

    [Fact]
    public async Task Retire_FinishedSequence_RemovesItsKvCache()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 64 });
        var options = new LlamaGenerationOptions { MaxTokens = 8, StopAtEndOfGeneration = false };

        var first = await ReadTokens(decoder.Submit(fixture.Model.Vocab.Tokenize("first"), options));
        var again = await ReadTokens(decoder.Submit(fixture.Model.Vocab.Tokenize("first"), options));

        Assert.Equal(first, again); // a leftover cache would shift positions and change the output
        Assert.Equal(0, decoder.ActiveSequenceCount);
        Assert.Equal(0, decoder.PendingSequenceCount);
    }

    [Fact]
    public async Task Submit_CanceledSequence_EndsAloneWhileOthersFinish()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 64 });
        using var cts = new CancellationTokenSource();
        var options = new LlamaGenerationOptions { MaxTokens = 40, StopAtEndOfGeneration = false };
        var canceled = decoder.Submit(fixture.Model.Vocab.Tokenize("cancel"), new LlamaGenerationOptions { MaxTokens = 10_000, StopAtEndOfGeneration = false }, cts.Token);
        var other = decoder.Submit(fixture.Model.Vocab.Tokenize("finish"), options);

        var read = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in canceled.ReadAllAsync())
            {
                if (++read == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(40, (await ReadTokens(other)).Length);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.Completion);
    }

    [Fact]
    public async Task Stop_EndsSequenceWithStoppedReason()
    {
        // The decoder runs ahead of the reader (tokens are buffered): a context it could fill before a slow reader's first
        // token arrives would end the sequence as ContextFull instead, so the context is long and the reader stops at once.
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 1, SequenceContextSize = 4096, BatchSize = 64 });
        var sequence = decoder.Submit(fixture.Model.Vocab.Tokenize("stop"), new LlamaGenerationOptions { MaxTokens = 100_000, StopAtEndOfGeneration = false });

        var read = 0;
        await foreach (var token in sequence.ReadAllAsync())
        {
            read++;
            sequence.Stop();
        }

        Assert.Equal(LlamaFinishReason.Stopped, await sequence.Completion);
        Assert.InRange(read, 1, 4095);
    }

    [Fact]
    public async Task Submit_GenerationFillsSequenceContext_EndsWithContextFull()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 256 });
        var sequence = decoder.Submit(Enumerable.Repeat(70, 240).ToArray(), new LlamaGenerationOptions { MaxTokens = 1000, StopAtEndOfGeneration = false });

        var tokens = await ReadTokens(sequence);

        Assert.Equal(LlamaFinishReason.ContextFull, await sequence.Completion);
        Assert.Equal(256 - 240 + 1, tokens.Length);
    }

    [Fact]
    public async Task Submit_PromptLongerThanSequenceContext_ThrowsOverflow()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 2, SequenceContextSize = 256, BatchSize = 64 });

        Assert.Throws<LlamaContextOverflowException>(() => decoder.Submit(Enumerable.Repeat(70, 300).ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Submit([100_000]));
    }

    [Fact]
    public async Task DisposeAsync_WhileGenerating_FailsSequencesWithObjectDisposed()
    {
        var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 1, SequenceContextSize = 256, BatchSize = 64 });
        var running = decoder.Submit(fixture.Model.Vocab.Tokenize("running"), new LlamaGenerationOptions { MaxTokens = 100_000, StopAtEndOfGeneration = false });
        var waiting = decoder.Submit(fixture.Model.Vocab.Tokenize("waiting"));
        await foreach (var _ in running.ReadAllAsync())
        {
            break;
        }

        await decoder.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running.Completion);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.Completion);
        Assert.Throws<ObjectDisposedException>(() => decoder.Submit([1, 2]));
    }

    [Fact]
    public async Task GenerateAsync_ReaderLeavesEarly_FreesTheSlot()
    {
        await using var decoder = new LlamaBatchedDecoder(fixture.Model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 1, SequenceContextSize = 256, BatchSize = 64 });

        await foreach (var _ in decoder.GenerateAsync("leave early", new LlamaGenerationOptions { MaxTokens = 100_000, StopAtEndOfGeneration = false }))
        {
            break;
        }

        var next = await ReadTokens(decoder.Submit(fixture.Model.Vocab.Tokenize("next"), new LlamaGenerationOptions { MaxTokens = 3, StopAtEndOfGeneration = false }));
        Assert.Equal(3, next.Length);
    }

    internal static async Task<int[]> ReadTokens(LlamaSequence sequence)
    {
        var list = new List<int>();
        await foreach (var token in sequence.ReadAllAsync())
        {
            list.Add(token.Token);
        }

        return [.. list];
    }
}
