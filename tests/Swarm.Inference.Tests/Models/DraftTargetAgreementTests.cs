using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Models;

/// <summary>Measures, with the F32 reference forward pass, how often the draft's greedy token equals the target's
/// (teacher-forced on the target's own greedy continuation) — the acceptance rate greedy speculative decoding sees.</summary>
public sealed class DraftTargetAgreementTests
{
    private static readonly int[] Prompt = [.. "The quick brown fox jumps over the lazy dog.".Select(c => c == ' ' ? SyntheticVocabulary.SpaceId : SyntheticVocabulary.FirstByteId + c)];

    private static GgufFile Open(SyntheticModelSpec spec)
    {
        var ms = new MemoryStream();
        SyntheticModelBuilder.Write(spec, ms);
        ms.Position = 0;
        return GgufFile.Read(ms);
    }

    internal static double MeasureAgreement(SyntheticModelPair pair, int tokens)
    {
        using var draftFile = Open(pair.Draft);
        using var targetFile = Open(pair.Target);
        var draft = new ReferenceLlama(draftFile);
        var target = new ReferenceLlama(targetFile);
        float[] tl = [], dl = [];
        foreach (var t in (int[])[SyntheticVocabulary.BosId, .. Prompt])
        {
            tl = target.Step(t);
            dl = draft.Step(t);
        }

        var agree = 0;
        for (var i = 0; i < tokens; i++)
        {
            var next = ReferenceLlama.ArgMax(tl);
            agree += ReferenceLlama.ArgMax(dl) == next ? 1 : 0;
            tl = target.Step(next);
            dl = draft.Step(next);
        }

        return (double)agree / tokens;
    }

    [Fact]
    public void Agreement_FallsAsDivergenceGrows()
    {
        var rates = new[] { 0f, 0.05f, 0.2f, 1f }
            .Select(d => MeasureAgreement(SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.Tiny, 4, d), 80))
            .ToArray();

        Assert.Equal(1.0, rates[0]);
        Assert.InRange(rates[1], 0.75, 1.0);
        Assert.True(rates[2] < rates[1] && rates[3] < rates[2], $"agreement should fall with divergence: {string.Join(", ", rates)}");
        Assert.InRange(rates[3], 0.0, 0.4);
    }

    [Fact]
    public void Agreement_MoePair_ZeroDivergenceIsExact()
    {
        Assert.Equal(1.0, MeasureAgreement(SyntheticModels.CreateDraftTargetPair(SyntheticModelSpec.TinyMoe, 2, 0f), 40));
    }

    [Fact]
    public void Successor_WithNoisyLayers_StillContinuesTheCycle()
    {
        using var file = Open(SyntheticModelSpec.Tiny with { Weights = SyntheticWeights.Successor, ResidualScale = 0.05f });
        var model = new ReferenceLlama(file);
        model.Step(SyntheticVocabulary.BosId);
        var token = SyntheticVocabulary.FirstByteId + 'a';
        var cycle = SyntheticVocabulary.SuccessorCycle;
        for (var i = 0; i < 150; i++)
        {
            var next = ReferenceLlama.ArgMax(model.Step(token));
            Assert.Equal(cycle[(Array.IndexOf(cycle, token) + 1) % cycle.Length], next);
            token = next;
        }
    }

    [Fact]
    public void PrintableOutput_GreedyTextIsPrintableAscii()
    {
        using var file = Open(SyntheticModelSpec.Tiny with { PrintableOutput = true });
        var model = new ReferenceLlama(file);
        var logits = Prompt.Prepend(SyntheticVocabulary.BosId).Select(model.Step).Last();
        for (var i = 0; i < 100; i++)
        {
            var next = ReferenceLlama.ArgMax(logits);
            var b = next - SyntheticVocabulary.FirstByteId;
            Assert.True(next == SyntheticVocabulary.SpaceId || (b > 0x20 && b < 0x7F) || b == '\n', $"token {next} is not printable");
            logits = model.Step(next);
        }
    }
}
