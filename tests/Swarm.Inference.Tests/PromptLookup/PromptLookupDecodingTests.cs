using Microsoft.Extensions.Time.Testing;
using Swarm.Inference.Tests.Speculative;

namespace Swarm.Inference.Tests.PromptLookup;

[Collection(SpeculativeCollection.Name)]
public sealed class PromptLookupDecodingTests(SpeculativeFixture fixture)
{
    private static LlamaGenerationOptions Greedy(int maxTokens) => new() { MaxTokens = maxTokens, StopAtEndOfGeneration = false };

    [Fact]
    public async Task GenerateAsync_TextTheModelReproduces_AcceptsLongDrafts()
    {
        // The successor model continues the printable cycle; the prompt already holds it, so lookups predict it.
        var model = fixture.Successor;
        var cycle = new string(Enumerable.Range('!', 94).Select(c => (char)c).ToArray());
        var prompt = model.Vocab.Tokenize(cycle + " " + cycle[..10]);
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, options: new SpeculativeDecodingOptions { MaxDraftLength = 16, SequenceContextSize = 512 });

        var result = await decoder.GenerateAsync(prompt, Greedy(64));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 64), result.Tokens);
        Assert.Equal(cycle[10..(10 + 64)], result.Text);
        Assert.True(result.Report.AcceptanceRate > 0.9, result.Report.ToString());
        Assert.True(result.Report.VerifySteps <= 64 / 4, result.Report.ToString());
    }

    [Fact]
    public async Task GenerateAsync_NoRepeats_DraftsNothingAndDecodesOneTokenPerStep()
    {
        var model = fixture.Successor;
        var prompt = model.Vocab.Tokenize("ab");
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, options: new SpeculativeDecodingOptions { SequenceContextSize = 256 });

        var result = await decoder.GenerateAsync(prompt, Greedy(40));

        Assert.Equal(0, result.Report.DraftedTokens);
        Assert.Equal(40, result.Report.VerifySteps);
        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 40), result.Tokens);
    }

    /// <summary>A prompt in which every bigram the successor model will produce already occurs, followed by '~': each
    /// lookup finds a match, and every draft's first token is wrong.</summary>
    private int[] SpuriousRepeatsPrompt()
    {
        var cycle = Enumerable.Range('!', 94).Select(c => (char)c).ToArray();
        var text = string.Concat(Enumerable.Range(0, 93).Where(i => cycle[i] != '~' && cycle[i + 1] != '~').Select(i => $"{cycle[i]}{cycle[i + 1]}~")) + "AB";
        return fixture.Successor.Vocab.Tokenize(text);
    }

    [Fact]
    public async Task GenerateAsync_SpuriousShortMatches_BacksOffToFewDraftedVerifies()
    {
        var model = fixture.Successor;
        var prompt = SpuriousRepeatsPrompt();
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, new PromptLookupOptions { MinNgramSize = 2 }, new SpeculativeDecodingOptions { MaxDraftLength = 16, Adaptive = false, SequenceContextSize = 512 });

        var result = await decoder.GenerateAsync(prompt, Greedy(64));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 64), result.Tokens);
        Assert.Equal(0, result.Report.AcceptedTokens);
        var draftedVerifies = result.Report.DraftedByPosition.Count == 0 ? 0 : result.Report.DraftedByPosition[0];
        Assert.InRange(draftedVerifies, 1, 6); // 2 rejected one-token probes, then probes after 8, 16 and 32 plain steps
        Assert.Equal(draftedVerifies, result.Report.DraftedTokens);
        Assert.Equal(64 - draftedVerifies, result.Report.VerifySteps - draftedVerifies);
    }

    [Fact]
    public async Task GenerateAsync_SpuriousShortMatchesWithoutBackoff_DraftsEveryStep()
    {
        // The control: the same text with the back-off disabled drafts (and is rejected) at every step.
        var model = fixture.Successor;
        var prompt = SpuriousRepeatsPrompt();
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, new PromptLookupOptions { MinNgramSize = 2, MaxConsecutiveRejections = 0 }, new SpeculativeDecodingOptions { MaxDraftLength = 16, Adaptive = false, SequenceContextSize = 512 });

        var result = await decoder.GenerateAsync(prompt, Greedy(64));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 64), result.Tokens);
        Assert.True(result.Report.DraftedByPosition[0] >= 60, result.Report.ToString());
    }

    [Fact]
    public async Task GenerateAsync_RepeatsAfterBackoff_ResumesDrafting()
    {
        // Rejected drafts first (spurious bigrams), then the successor reaches text the prompt holds verbatim: a probe
        // is accepted and drafting resumes.
        var model = fixture.Successor;
        var cycle = new string(Enumerable.Range('!', 94).Select(c => (char)c).ToArray());
        var prompt = model.Vocab.Tokenize("AB~BC~CD~DE~EF~FG~GH~" + cycle[50..] + " AB");
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, new PromptLookupOptions { MinNgramSize = 2, BackoffSteps = 4 }, new SpeculativeDecodingOptions { MaxDraftLength = 16, SequenceContextSize = 512, TimeProvider = new FakeTimeProvider() });

        var result = await decoder.GenerateAsync(prompt, Greedy(80));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 80), result.Tokens);
        Assert.True(result.Report.AcceptedTokens >= 30, result.Report.ToString());
        Assert.True(result.Report.VerifySteps < 60, result.Report.ToString());
    }

    [Fact]
    public void Next_BeforeAnyAcceptance_ProbesWithTheMinimumLengthThenDraftsInFull()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions(), minDraft: 1);

        Assert.Equal(1, backoff.Next(16, null));
        backoff.Update(1, 1);
        Assert.Equal(16, backoff.Next(16, null));
    }

    [Fact]
    public void Next_RejectionsThenAcceptance_PausesDoublesAndResets()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions { MaxConsecutiveRejections = 1, BackoffSteps = 8, MaxBackoffSteps = 128 }, minDraft: 1);

        Assert.Equal(1, backoff.Next(16, null));
        backoff.Update(1, 0);
        Assert.Equal(8, backoff.Waiting);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(0, backoff.Next(16, null));
        }

        Assert.Equal(1, backoff.Next(16, null));
        backoff.Update(1, 0);
        Assert.Equal(16, backoff.Waiting);
        while (backoff.Next(16, null) == 0)
        {
        }

        backoff.Update(1, 1);
        Assert.Equal(16, backoff.Next(16, null));
        backoff.Update(16, 0);
        Assert.Equal(8, backoff.Waiting);
    }

    [Fact]
    public void Next_ComputeBoundCost_BacksOffInsteadOfDrafting()
    {
        // c(n) = n: no draft length can beat plain decoding, whatever the acceptance.
        var backoff = new PromptLookupBackoff(new PromptLookupOptions { BackoffSteps = 4 }, minDraft: 1);
        backoff.Update(1, 1);

        Assert.Equal(0, backoff.Next(16, n => n));
        Assert.Equal(4, backoff.Waiting);
    }

    [Fact]
    public void Next_MemoryBoundCostHighAcceptance_DraftsLong()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions(), minDraft: 1);
        for (var i = 0; i < 5; i++)
        {
            backoff.Update(8, 8);
        }

        Assert.True(backoff.Next(16, n => 1 + (0.05 * (n - 1))) >= 8);
    }

    [Fact]
    public void Next_UnknownCost_DraftsTheLimitToLearnIt()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions(), minDraft: 1);
        backoff.Update(1, 1);

        Assert.Equal(12, backoff.Next(12, _ => null));
    }

    [Fact]
    public void Next_Disabled_AlwaysAllowsTheLimit()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions { MaxConsecutiveRejections = 0 }, minDraft: 1);
        backoff.Update(16, 0);
        backoff.Update(16, 0);

        Assert.Equal(16, backoff.Next(16, n => n));
        Assert.Equal(0, backoff.Waiting);
    }

    [Fact]
    public void Update_NoDraft_DoesNotCount()
    {
        var backoff = new PromptLookupBackoff(new PromptLookupOptions { MaxConsecutiveRejections = 1 }, minDraft: 1);

        backoff.Update(0, 0);

        Assert.Equal(1, backoff.Next(4, null));
        Assert.Equal(0, backoff.Waiting);
    }

    [Fact]
    public async Task GenerateAsync_ComputeBoundCostCurve_DraftsOnlyProbesAndStaysLossless()
    {
        // Copy-heavy text, but a verify of n tokens costs n single-token decodes: drafting cannot pay, so after the
        // first accepted probe the gate backs off instead of drafting long.
        var model = fixture.Successor;
        var cycle = new string(Enumerable.Range('!', 94).Select(c => (char)c).ToArray());
        var prompt = model.Vocab.Tokenize(cycle + " " + cycle[..10]);
        var curve = new VerifyCostCurve(Enumerable.Range(1, 25).Select(n => (double)n).ToArray());
        using var decoder = SpeculativeDecoder.CreatePromptLookup(model, options: new SpeculativeDecodingOptions { MaxDraftLength = 16, Adaptive = false, VerifyCostCurve = curve, SequenceContextSize = 512 });

        var result = await decoder.GenerateAsync(prompt, Greedy(64));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(model, prompt, 64), result.Tokens);
        Assert.InRange(result.Report.DraftedTokens, 1, 6);
    }

    [Fact]
    public async Task GenerateAsync_RandomModel_EqualsPlainGreedy()
    {
        var prompt = fixture.Target.Vocab.Tokenize("for (i = 0; i < n; i++) { sum += a[i]; } for (i = 0; i < n; i++)");
        using var decoder = SpeculativeDecoder.CreatePromptLookup(fixture.Target, new PromptLookupOptions { MinNgramSize = 1, MaxNgramSize = 5, MaxDraftLength = 24 }, new SpeculativeDecodingOptions { MaxDraftLength = 24 });

        var result = await decoder.GenerateAsync(prompt, Greedy(60));

        Assert.Equal(await SpeculativeFixture.PlainGreedyAsync(fixture.Target, prompt, 60), result.Tokens);
        Assert.True(result.Report.DraftedTokens > 0);
    }

    [Fact]
    public void Propose_LongestRecentMatch_ProposesItsContinuation()
    {
        var proposer = new PromptLookupProposer(new PromptLookupOptions { MinNgramSize = 1, MaxNgramSize = 3, MaxDraftLength = 4 });
        int[] tokens = [1, 2, 3, 9, 9, 1, 2, 3, 7, 8, 5, 6, 1, 2, 3];
        var draft = new int[8];

        var n = proposer.Propose(tokens, 8, draft);

        Assert.Equal([7, 8, 5, 6], draft[..n]);
    }

    [Fact]
    public void Propose_NoRepeatedNgram_ProposesNothing()
    {
        var proposer = new PromptLookupProposer(new PromptLookupOptions { MinNgramSize = 2, MaxNgramSize = 4 });
        int[] tokens = [1, 2, 3, 4, 5, 6, 2, 7];

        Assert.Equal(0, proposer.Propose(tokens, 8, new int[8]));
    }

    [Theory]
    [InlineData(0, 2, 4)]
    [InlineData(3, 2, 4)]
    [InlineData(1, 2, 25)]
    public void CreatePromptLookup_InvalidOptions_Throws(int min, int max, int draft)
        => Assert.Throws<ArgumentOutOfRangeException>(() => SpeculativeDecoder.CreatePromptLookup(fixture.Target, new PromptLookupOptions { MinNgramSize = min, MaxNgramSize = max, MaxDraftLength = draft }));

    [Theory]
    [InlineData(-1, 8, 128, "MaxConsecutiveRejections")]
    [InlineData(2, 0, 128, "BackoffSteps")]
    [InlineData(2, 16, 8, "MaxBackoffSteps")]
    public void CreatePromptLookup_InvalidBackoff_ThrowsNamingTheOption(int rejections, int pause, int maxPause, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SpeculativeDecoder.CreatePromptLookup(fixture.Target, new PromptLookupOptions { MaxConsecutiveRejections = rejections, BackoffSteps = pause, MaxBackoffSteps = maxPause }));

        Assert.Equal(name, ex.ParamName);
    }
}
