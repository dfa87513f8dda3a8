using CsCheck;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Speculative;

[Collection(SpeculativeCollection.Name)]
public sealed class SpeculativeDecoderTests(SpeculativeFixture fixture)
{
    private static LlamaGenerationOptions Greedy(int maxTokens) => new() { MaxTokens = maxTokens, StopAtEndOfGeneration = false };

    [Fact]
    public async Task Generate_GreedyAnyDraftAnyK_EqualsPlainGreedyDecoding()
    {
        // Draft sources: 0 the target itself (α = 1), 1 the pair's draft (partial agreement), 2 an unrelated model (α ≈ 0), 3 prompt lookup.
        var gen = Gen.Select(
            Gen.String[Gen.Char['!', '~'], 1, 24],
            Gen.Int[0, 3],
            Gen.OneOf(Gen.Const(1), Gen.Const(24), Gen.Int[1, 24]),
            Gen.Bool,
            Gen.Int[1, 40],
            Gen.OneOf(Gen.Const(0f), Gen.Const(0.3f)));
        await gen.SampleAsync(
            async (text, source, k, adaptive, maxTokens, threshold) =>
            {
                var prompt = fixture.Target.Vocab.Tokenize(text);
                var plain = await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, maxTokens);
                var options = new SpeculativeDecodingOptions { MaxDraftLength = k, Adaptive = adaptive, DraftConfidenceThreshold = threshold, SequenceContextSize = 256 };
                using var decoder = source switch
                {
                    0 => SpeculativeDecoder.Create(fixture.Target, fixture.Target, options),
                    1 => SpeculativeDecoder.Create(fixture.Target, fixture.Draft, options),
                    2 => SpeculativeDecoder.Create(fixture.Target, fixture.Unrelated, options),
                    _ => SpeculativeDecoder.CreatePromptLookup(fixture.Target, new PromptLookupOptions { MinNgramSize = 1, MaxNgramSize = 3 }, options),
                };
                var result = await decoder.GenerateAsync(prompt, Greedy(maxTokens));
                Assert.Equal(plain, result.Tokens);
                Assert.Equal(maxTokens, result.Report.GeneratedTokens);
                Assert.True(result.Report.MeanDraftLength <= k);
            },
            iter: 60,
            threads: 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    public async Task GenerateAsync_TargetAsItsOwnDraft_AcceptsEveryDraft(int k)
    {
        var prompt = fixture.Target.Vocab.Tokenize("The swarm splits a goal into tasks");
        var plain = await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, 60);
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Target, new SpeculativeDecodingOptions { MaxDraftLength = k, Adaptive = false });

        var result = await decoder.GenerateAsync(prompt, Greedy(60));

        Assert.Equal(plain, result.Tokens);
        Assert.Equal(1.0, result.Report.AcceptanceRate);
        Assert.Equal(k, result.Report.DraftedByPosition.Count);
        Assert.All(result.Report.AcceptanceByPosition, a => Assert.Equal(1.0, a));
        Assert.Equal(Math.Ceiling(60.0 / (k + 1)), result.Report.VerifySteps);
        Assert.Equal(k, result.Report.MeanAcceptedPerVerify, 0.75 * k / Math.Max(1, result.Report.VerifySteps) + 1e-9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    public async Task GenerateAsync_UnrelatedDraft_RejectsAlmostEverythingAndStaysLossless(int k)
    {
        var prompt = fixture.Target.Vocab.Tokenize("Gates check every answer");
        var plain = await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, 50);
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Unrelated, new SpeculativeDecodingOptions { MaxDraftLength = k, Adaptive = false });

        var result = await decoder.GenerateAsync(prompt, Greedy(50));

        Assert.Equal(plain, result.Tokens);
        Assert.True(result.Report.AcceptanceRate < 0.2, result.Report.ToString());
        Assert.True(result.Report.DraftedTokens >= 40, result.Report.ToString());
    }

    [Fact]
    public async Task GenerateAsync_PartialAgreementAdaptive_ReportsConsistentCounts()
    {
        var prompt = fixture.Target.Vocab.Tokenize("Routing learns from outcomes");
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = 24 });

        var result = await decoder.GenerateAsync(prompt, Greedy(80));
        var report = result.Report;

        Assert.Equal(80, report.GeneratedTokens);
        Assert.InRange(report.AcceptanceRate, 0.05, 0.95);
        Assert.Equal(report.DraftedTokens, report.DraftedByPosition.Sum());
        Assert.Equal(report.AcceptedTokens, report.AcceptedByPosition.Sum());
        Assert.Equal(report.GeneratedTokens, report.AcceptedTokens + report.VerifySteps); // each step adds its accepted drafts plus one target token
        for (var i = 1; i < report.DraftedByPosition.Count; i++)
        {
            Assert.True(report.DraftedByPosition[i] <= report.DraftedByPosition[i - 1]);
            Assert.True(report.AcceptedByPosition[i] <= report.AcceptedByPosition[i - 1]);
        }

        Assert.True(report.TokensPerSecond > 0);
        Assert.True(report.ElapsedSeconds >= report.DraftSeconds + report.VerifySeconds);
    }

    [Fact]
    public async Task GenerateAsync_ConfidenceThresholdOne_DraftsNothing()
    {
        var prompt = fixture.Target.Vocab.Tokenize("abc");
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { DraftConfidenceThreshold = 1f });

        var result = await decoder.GenerateAsync(prompt, Greedy(20));

        Assert.Equal(0, result.Report.DraftedTokens);
        Assert.Equal(20, result.Report.VerifySteps);
        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, 20), result.Tokens);
    }

    [Fact]
    public async Task GenerateBatchAsync_FourSequences_OneVerifyDecodeServesAllAndEachIsLossless()
    {
        string[] texts = ["plan the work", "Check: ok?", "memory{key}", "route -> coder"];
        var prompts = texts.Select(t => (IReadOnlyList<int>)fixture.Target.Vocab.Tokenize(t)).ToArray();
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxSequenceCount = 4, SequenceContextSize = 256 });

        var results = await decoder.GenerateBatchAsync(prompts, Greedy(32));

        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompts[i], 32), results[i].Tokens);
        }

        var steps = results.Sum(r => r.Report.VerifySteps);
        Assert.True(decoder.VerifyDecodeCount < steps, $"{decoder.VerifyDecodeCount} verify decodes for {steps} verify steps");
        Assert.True(decoder.VerifyDecodeCount >= results.Max(r => r.Report.VerifySteps));
    }

    [Fact]
    public async Task GenerateAsync_ConcurrentCallers_EachEqualsPlain()
    {
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Target, new SpeculativeDecodingOptions { MaxSequenceCount = 2, SequenceContextSize = 256 });
        var prompts = new[] { "agent one", "agent two", "agent three" }.Select(t => fixture.Target.Vocab.Tokenize(t)).ToArray();

        var results = await Task.WhenAll(prompts.Select(p => decoder.GenerateAsync(p, Greedy(24))));

        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompts[i], 24), results[i].Tokens);
        }
    }

    [Fact]
    public void Create_DraftWithOtherVocabulary_ThrowsIncompatibleDraftModelException()
    {
        using var other = LlamaModel.Load(SyntheticModels.GetOrCreate(SyntheticModelSpec.Tiny with { Name = "spec-bigvocab", VocabularySize = 300 }));

        var ex = Assert.Throws<IncompatibleDraftModelException>(() => SpeculativeDecoder.Create(fixture.Target, other));

        Assert.Contains("300 tokens", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    public void Create_DraftLengthOutOfRange_Throws(int k)
        => Assert.Throws<ArgumentOutOfRangeException>(() => SpeculativeDecoder.Create(fixture.Target, fixture.Draft, new SpeculativeDecodingOptions { MaxDraftLength = k }));

    [Fact]
    public async Task GenerateAsync_BadInput_ThrowsSpecificExceptions()
    {
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => decoder.GenerateAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => decoder.GenerateAsync([1, 100_000]));
        await Assert.ThrowsAsync<ArgumentException>(() => decoder.GenerateAsync([1, 2], new LlamaGenerationOptions { Sampling = new LlamaSamplerOptions { RepeatPenalty = 1.1f } }));
        await Assert.ThrowsAsync<LlamaContextOverflowException>(() => decoder.GenerateAsync(Enumerable.Repeat(5, 5000).ToArray()));
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoder.GenerateAsync([1, 60, 61], Greedy(2000), cts.Token));

        var after = await decoder.GenerateAsync([1, 60, 61], Greedy(5));
        Assert.Equal(5, after.Tokens.Count);
    }

    [Fact]
    public async Task GenerateAsync_ZeroTokens_ReturnsEmpty()
    {
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Draft);

        var result = await decoder.GenerateAsync([1, 2], Greedy(0));

        Assert.Empty(result.Tokens);
        Assert.Equal(LlamaFinishReason.MaxTokens, result.FinishReason);
    }
}
