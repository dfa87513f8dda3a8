namespace Swarm.Inference.Tests.Generation;

[Collection(LlamaCollection.Name)]
public sealed class LlamaContextGenerationTests(LlamaFixture fixture)
{
    private static readonly LlamaGenerationOptions Greedy24 = new() { MaxTokens = 24, StopAtEndOfGeneration = false };

    [Fact]
    public async Task GenerateAsync_Greedy_IsDeterministic()
    {
        using var context = fixture.CreateContext();

        var first = await Collect(context.GenerateAsync("Hello, swarm", Greedy24));
        var second = await Collect(context.GenerateAsync("Hello, swarm", Greedy24));

        Assert.Equal(24, first.Count);
        Assert.Equal(first.Select(t => t.Token), second.Select(t => t.Token));
        Assert.True(first.Select(t => t.Token).Distinct().Count() > 1, "random weights at ±0.3 give varied output");
    }

    [Fact]
    public async Task GenerateAsync_Greedy_EqualsManualDecodeLoop()
    {
        using var context = fixture.CreateContext();
        var prompt = fixture.Model.Vocab.Tokenize("manual loop");
        var streamed = (await Collect(context.GenerateFromTokensAsync(prompt, Greedy24))).Select(t => t.Token).ToList();

        context.ClearMemory();
        using var batch = new LlamaBatch(64);
        using var sampler = new LlamaSampler(LlamaSamplerOptions.Greedy);
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        var manual = new List<int>();
        for (var pos = prompt.Length; manual.Count < 24; pos++)
        {
            var logits = context.GetLogits(batch.Count - 1);
            var token = sampler.Sample(context, batch.Count - 1);
            Assert.Equal(ArgMax(logits), token);
            manual.Add(token);
            batch.Clear();
            batch.Add(token, pos, 0, logits: true);
            context.Decode(batch);
        }

        Assert.Equal(manual, streamed);
    }

    [Fact]
    public async Task GenerateAsync_Positions_FollowThePrompt()
    {
        using var context = fixture.CreateContext();
        var prompt = fixture.Model.Vocab.Tokenize("positions");

        var tokens = await Collect(context.GenerateFromTokensAsync(prompt, new LlamaGenerationOptions { MaxTokens = 5, StopAtEndOfGeneration = false }));

        Assert.Equal(Enumerable.Range(prompt.Length, 5), tokens.Select(t => t.Position));
        Assert.Equal(prompt.Length + 3, context.GetMaxPosition(0));
    }

    [Fact]
    public async Task GenerateAsync_SeededSampling_IsReproducible()
    {
        using var context = fixture.CreateContext();
        var options = new LlamaGenerationOptions { MaxTokens = 16, StopAtEndOfGeneration = false, Sampling = new LlamaSamplerOptions { Temperature = 1.2f, TopK = 0, TopP = 1, MinP = 0, Seed = 7 } };

        var a = await Collect(context.GenerateAsync("seeded", options));
        var b = await Collect(context.GenerateAsync("seeded", options));
        var greedy = await Collect(context.GenerateAsync("seeded", Greedy24));

        Assert.Equal(a.Select(t => t.Token), b.Select(t => t.Token));
        Assert.NotEqual(greedy.Take(16).Select(t => t.Token), a.Select(t => t.Token));
    }

    [Fact]
    public async Task GenerateAsync_StreamedText_EqualsDetokenizedTokens()
    {
        using var context = fixture.CreateContext();

        var tokens = await Collect(context.GenerateAsync("text", new LlamaGenerationOptions { MaxTokens = 40, StopAtEndOfGeneration = false }));

        var expected = fixture.Model.Vocab.Detokenize(tokens.Select(t => t.Token).ToArray());
        var streamed = string.Concat(tokens.Select(t => t.Text));
        Assert.StartsWith(streamed, expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_PromptLongerThanContext_ThrowsOverflow()
    {
        using var context = fixture.CreateContext(contextSize: 256);
        var prompt = Enumerable.Repeat(70, 300).ToArray();

        var ex = Assert.Throws<LlamaContextOverflowException>(() => context.GenerateFromTokensAsync(prompt));

        Assert.Equal(256, context.SequenceContextSize); // llama.cpp pads the context to a multiple of 256
        Assert.Contains("256", ex.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task GenerateAsync_GenerationFillsContext_ThrowsOverflow()
    {
        using var context = fixture.CreateContext(contextSize: 256);
        var options = new LlamaGenerationOptions { MaxTokens = 1000, StopAtEndOfGeneration = false };
        var prompt = Enumerable.Repeat(70, 200).ToArray();
        var seen = 0;

        await Assert.ThrowsAsync<LlamaContextOverflowException>(async () =>
        {
            await foreach (var _ in context.GenerateFromTokensAsync(prompt, options))
            {
                seen++;
            }
        });

        Assert.Equal(256 - 200 + 1, seen); // the last token is sampled but has no position left to be decoded at
    }

    [Fact]
    public async Task GenerateAsync_CanceledMidGeneration_ThrowsOperationCanceled()
    {
        using var context = fixture.CreateContext();
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in context.GenerateAsync("cancel me", new LlamaGenerationOptions { MaxTokens = 200, StopAtEndOfGeneration = false }, cts.Token))
            {
                if (++seen == 5)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(5, seen);
    }

    [Fact]
    public async Task GenerateAsync_ContextDisposedMidGeneration_ThrowsObjectDisposed()
    {
        var context = fixture.CreateContext();
        var seen = 0;

        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in context.GenerateAsync("dispose me", new LlamaGenerationOptions { MaxTokens = 200, StopAtEndOfGeneration = false }))
            {
                if (++seen == 3)
                {
                    context.Dispose();
                }
            }
        });

        Assert.Equal(3, seen);
    }

    [Fact]
    public void Decode_VerifyBlockWithLogitsAtEveryPosition_ThenRollBack()
    {
        using var context = fixture.CreateContext();
        var prompt = fixture.Model.Vocab.Tokenize("speculate");
        using var batch = new LlamaBatch(64);

        // Reference: plain greedy decoding of 6 tokens, keeping each step's logits.
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        var reference = new List<(int Token, float[] Logits)>();
        for (var i = 0; i < 6; i++)
        {
            var logits = context.GetLogits(batch.Count - 1).ToArray();
            var token = ArgMax(logits);
            reference.Add((token, logits));
            batch.Clear();
            batch.Add(token, prompt.Length + i, 0, logits: true);
            context.Decode(batch);
        }

        // Verify: roll back to the prompt, decode the 6 tokens in one batch with logits at every position.
        Assert.True(context.RemoveTokens(0, prompt.Length));
        Assert.Equal(prompt.Length - 1, context.GetMaxPosition(0));
        batch.Clear();
        batch.AddRange(reference.Select(r => r.Token).ToArray(), prompt.Length, 0, LlamaBatchLogits.All);
        context.Decode(batch);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(reference[i + 1].Token, ArgMax(context.GetLogits(i)));
            Assert.Equal(reference[i + 1].Logits, context.GetLogits(i).ToArray(), (a, b) => Math.Abs(a - b) < 1e-3f);
        }

        // Reject the last 3: the cache ends where the accepted prefix ends.
        Assert.True(context.RemoveTokens(0, prompt.Length + 3));
        Assert.Equal(prompt.Length + 2, context.GetMaxPosition(0));
    }

    [Fact]
    public void CopySequence_SharesPrefixWithAnotherSequence()
    {
        using var context = fixture.CreateContext(contextSize: 256, sequences: 2);
        var prompt = fixture.Model.Vocab.Tokenize("shared prefix");
        using var batch = new LlamaBatch(64);
        batch.AddRange(prompt, 0, 0);
        context.Decode(batch);
        var expected = ArgMax(context.GetLogits(batch.Count - 1));
        var next = prompt[^1];

        context.RemoveTokens(0, prompt.Length - 1);
        context.CopySequence(0, 1);
        batch.Clear();
        batch.Add(next, prompt.Length - 1, 1, logits: true);
        context.Decode(batch);

        Assert.Equal(expected, ArgMax(context.GetLogits(0)));
        Assert.Equal(prompt.Length - 1, context.GetMaxPosition(1));
    }

    [Fact]
    public void Decode_InvalidBatches_ThrowSpecificExceptions()
    {
        using var context = fixture.CreateContext(contextSize: 256);
        using var empty = new LlamaBatch(4);
        using var big = new LlamaBatch(256);
        using var badSeq = new LlamaBatch(4);
        using var farPos = new LlamaBatch(4);
        big.AddRange(Enumerable.Repeat(70, 200).ToArray(), 0, 0);
        badSeq.Add(70, 0, 3, true);
        farPos.Add(70, 256, 0, true);

        Assert.Throws<ArgumentException>(() => context.Decode(empty));
        Assert.Contains("at most 128", Assert.Throws<ArgumentException>(() => context.Decode(big)).Message, StringComparison.Ordinal);
        Assert.Contains("sequence 3", Assert.Throws<ArgumentException>(() => context.Decode(badSeq)).Message, StringComparison.Ordinal);
        Assert.Throws<LlamaContextOverflowException>(() => context.Decode(farPos));
        Assert.Throws<ArgumentOutOfRangeException>(() => context.GetLogits(5));
    }

    [Fact]
    public void Batch_AddBeyondCapacity_Throws()
    {
        using var batch = new LlamaBatch(2, maxSequencesPerToken: 2);
        batch.Add(1, 0, [0, 1], logits: false);
        batch.Add(2, 1, 0, logits: true);

        Assert.Throws<InvalidOperationException>(() => batch.Add(3, 2, 0, logits: true));
        Assert.Throws<ArgumentException>(() => new LlamaBatch(1).Add(1, 0, [0, 1, 2], false));
        Assert.Equal(1, batch.OutputCount);
        Assert.Equal(2, batch.GetToken(1));
        Assert.Equal(1, batch.GetPosition(1));
    }

    [Fact]
    public void Sampler_AfterContextDisposed_ThrowsObjectDisposed()
    {
        var context = fixture.CreateContext();
        using var sampler = new LlamaSampler();
        context.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sampler.Sample(context));
        Assert.Throws<ObjectDisposedException>(() => context.Decode(new LlamaBatch(1)));
    }

    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
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
