namespace Swarm.Inference.Tests.Speculative;

[Collection(SpeculativeCollection.Name)]
public sealed class SpeculativeSamplingTests(SpeculativeFixture fixture)
{
    [Fact]
    public async Task GenerateAsync_Stochastic_FirstTokenFollowsTargetDistribution()
    {
        // The first generated token goes through rejection sampling (the last prompt token opens the first verify batch).
        const int samples = 2400;
        var sampling = (uint seed) => new LlamaSamplerOptions { Temperature = 1.5f, TopK = 0, TopP = 1f, MinP = 0f, Seed = seed };
        var prompt = fixture.Target.Vocab.Tokenize("Swarm");
        var p = NextTokenDistribution(fixture.Target, prompt, 1.5f);
        var q = NextTokenDistribution(fixture.Unrelated, prompt, 1.5f);
        using var decoder = SpeculativeDecoder.Create(fixture.Target, fixture.Unrelated, new SpeculativeDecodingOptions { MaxDraftLength = 1, Adaptive = false, SequenceContextSize = 64 });

        var counts = new int[p.Length];
        int drafted = 0, accepted = 0;
        for (var i = 0; i < samples; i++)
        {
            var result = await decoder.GenerateAsync(prompt, new LlamaGenerationOptions { MaxTokens = 2, StopAtEndOfGeneration = false, Sampling = sampling((uint)i + 1) });
            counts[result.Tokens[0]]++;
            drafted += result.Report.DraftedByPosition[0];
            accepted += result.Report.AcceptedByPosition[0];
        }

        // The rejection path ran often, and the draft's own distribution is far from the target's (so a test that
        // returned draft samples would fail).
        Console.WriteLine($"first-position acceptance {(double)accepted / drafted:F3}, draft-vs-target p {Statistics.ChiSquarePValue(DraftSamples(q, samples), p):G3}, output-vs-target p {Statistics.ChiSquarePValue(counts, p):G3}");
        Assert.InRange((double)accepted / drafted, 0.2, 0.95);
        var draftOnly = DraftSamples(q, samples);
        Assert.True(Statistics.ChiSquarePValue(draftOnly, p) < 1e-6, "draft samples must be distinguishable from the target's distribution");
        var pValue = Statistics.ChiSquarePValue(counts, p);
        Assert.True(pValue > 0.001, $"chi-square p-value {pValue:G3}: the speculative output does not follow the target's distribution");
        Assert.True(pValue < 0.9999, $"chi-square p-value {pValue:G3}: the samples fit too well to be independent draws");
    }

    [Fact]
    public void ChiSquarePValue_KnownValues_MatchTables()
    {
        Assert.Equal(Math.Exp(-1), Statistics.Q(1, 1), 6);
        Assert.Equal(0.05, Statistics.Q(5, 18.307 / 2), 3); // chi-square df 10 at 0.95
        Assert.True(Statistics.ChiSquarePValue([500, 500], [0.5f, 0.5f]) > 0.99);
        Assert.True(Statistics.ChiSquarePValue([600, 400], [0.5f, 0.5f]) < 1e-6);
    }

    [Fact]
    public void RejectionSampler_SmallVocabulary_OutputFollowsTarget()
    {
        float[] p = [0.5f, 0.2f, 0.15f, 0.1f, 0.05f];
        float[] q = [0.05f, 0.1f, 0.15f, 0.2f, 0.5f];
        var random = new Random(1234);
        var scratch = new float[5];
        var counts = new int[5];
        var draftCounts = new int[5];
        const int n = 100_000;
        for (var i = 0; i < n; i++)
        {
            var x = TokenDistribution.Sample(q, random);
            draftCounts[x]++;
            var y = RejectionSampler.Accept(p[x], q[x], random) ? x : RejectionSampler.SampleResidual(p, q, scratch, random);
            counts[y]++;
        }

        Assert.True(Statistics.ChiSquarePValue(counts, p) > 0.001);
        Assert.True(Statistics.ChiSquarePValue(draftCounts, p) < 1e-9);
    }

    [Fact]
    public void RejectionSampler_OneHotDraft_OutputFollowsTarget()
    {
        float[] p = [0.1f, 0.6f, 0.3f];
        var random = new Random(99);
        var scratch = new float[3];
        var counts = new int[3];
        for (var i = 0; i < 60_000; i++)
        {
            counts[RejectionSampler.Accept(p[2], 1f, random) ? 2 : RejectionSampler.SampleResidualOneHot(p, 2, scratch, random)]++;
        }

        Assert.True(Statistics.ChiSquarePValue(counts, p) > 0.001);
    }

    [Fact]
    public void TokenDistribution_TopKAndTemperature_MatchesDefinition()
    {
        var d = new TokenDistribution(new LlamaSamplerOptions { Temperature = 2f, TopK = 2, TopP = 1f, MinP = 0f });
        float[] logits = [1f, 3f, 2f, -1f];
        var probs = new float[4];

        d.Compute(logits, probs);

        var a = Math.Exp(3 / 2.0);
        var b = Math.Exp(2 / 2.0);
        Assert.Equal(0f, probs[0]);
        Assert.Equal(0f, probs[3]);
        Assert.Equal(a / (a + b), probs[1], 5);
        Assert.Equal(b / (a + b), probs[2], 5);
    }

    private static int[] DraftSamples(float[] q, int samples)
    {
        var draftOnly = new int[q.Length];
        var random = new Random(7);
        for (var i = 0; i < samples; i++)
        {
            draftOnly[TokenDistribution.Sample(q, random)]++;
        }

        return draftOnly;
    }

    private static float[] NextTokenDistribution(LlamaModel model, int[] prompt, float temperature)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, BatchSize = 64 });
        using var batch = new LlamaBatch(64);
        batch.AddRange(prompt, 0, 0, LlamaBatchLogits.Last);
        context.Decode(batch);
        var probs = new float[context.VocabularySize];
        new TokenDistribution(new LlamaSamplerOptions { Temperature = temperature, TopK = 0, TopP = 1f, MinP = 0f }).Compute(context.GetLogits(prompt.Length - 1), probs);
        return probs;
    }
}
