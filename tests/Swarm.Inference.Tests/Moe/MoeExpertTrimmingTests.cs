using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Moe;

[Collection(LlamaCollection.Name)]
public sealed class MoeExpertTrimmingTests(LlamaFixture fixture)
{
    private static readonly string[] Prompts = ["The swarm plans", "def add(a, b): return a + b", "Gates check answers."];

    private static string MoePath => SyntheticModels.GetOrCreate(SyntheticModelSpec.TinyMoe);

    [Fact]
    public void ReadModelInfo_TinyMoe_ReadsExpertCounts()
    {
        var info = MoeExpertTrimming.ReadModelInfo(MoePath);

        Assert.Equal(new MoeModelInfo("llama", 4, 2), info);
        Assert.Equal("llama.expert_used_count", info.ExpertUsedCountKey);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    public void LoadWithExpertsUsed_OutOfRange_ThrowsBeforeLoading(int expertsUsed)
    {
        // Loading with these values would abort the test process inside llama.cpp: reaching the assertion proves nothing was loaded.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MoeExpertTrimming.LoadWithExpertsUsed(MoePath, expertsUsed));

        Assert.Contains("expert_count (4)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama.expert_used_count=int:0")]
    [InlineData("llama.expert_used_count=int:9")]
    public void LlamaModelLoad_BadExpertOverride_ThrowsInsteadOfAborting(string text)
    {
        var options = new LlamaModelOptions();
        options.MetadataOverrides.Add(LlamaKvOverride.Parse(text));

        Assert.Throws<ArgumentOutOfRangeException>(() => LlamaModel.Load(MoePath, options));
    }

    [Theory]
    [InlineData("llama.expert_used_count=str:1")]
    [InlineData("llama.expert_used_count=float:1")]
    [InlineData("qwen2moe.expert_used_count=int:1")]
    public void LlamaModelLoad_ExpertOverrideOfWrongTypeOrArchitecture_ThrowsArgumentException(string text)
    {
        var options = new LlamaModelOptions();
        options.MetadataOverrides.Add(LlamaKvOverride.Parse(text));

        var ex = Assert.Throws<ArgumentException>(() => LlamaModel.Load(MoePath, options));

        Assert.Contains("expert_used_count", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateOverride_DenseModel_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => MoeExpertTrimming.CreateOverride(fixture.ModelPath, 1));

        Assert.Contains("not a mixture-of-experts", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadWithExpertsUsed_One_ChangesTheLogitsAndFileValueKeepsThem()
    {
        using var full = LlamaModel.Load(MoePath);
        using var same = MoeExpertTrimming.LoadWithExpertsUsed(MoePath, 2);
        using var trimmed = MoeExpertTrimming.LoadWithExpertsUsed(MoePath, 1);

        var reference = LastLogits(full);
        Assert.Equal(reference, LastLogits(same));
        Assert.NotEqual(reference, LastLogits(trimmed));
    }

    private static float[] LastLogits(LlamaModel model)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = 64, BatchSize = 64 });
        using var batch = new LlamaBatch(64);
        var tokens = model.Vocab.Tokenize("mixture of experts");
        batch.AddRange(tokens, 0, 0, LlamaBatchLogits.Last);
        context.Decode(batch);
        return context.GetLogits(tokens.Length - 1).ToArray();
    }

    [Fact]
    public void Measure_FileValueAndTrimmed_ZeroCostAtFullAndMeasurableCostWhenTrimmed()
    {
        var report = MoeTrimmingAnalyzer.Measure(MoePath, [2, 1, 4], Prompts, new MoeTrimmingOptions { GeneratedTokens = 8, SpeedRuns = 1 });

        var full = report[2];
        Assert.Equal(1.0, full.Top1Agreement);
        Assert.Equal(0.0, full.MeanKlDivergence);
        Assert.True(full.Positions >= Prompts.Sum(p => p.Length));
        Assert.True(full.TokensPerSecond > 0);

        var one = report[1];
        Assert.True(one.MeanKlDivergence > 1e-4, one.ToString());
        Assert.InRange(one.Top1Agreement, 0.0, 1.0);
        Assert.True(report[4].MeanKlDivergence > 1e-4, report[4].ToString());
        Assert.Contains("| 2 (file) |", report.ToMarkdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void Measure_InvalidValue_ThrowsBeforeMeasuring()
        => Assert.Throws<ArgumentOutOfRangeException>(() => MoeTrimmingAnalyzer.Measure(MoePath, [2, 0], Prompts));

    [Fact]
    public void KlDivergence_IdenticalAndDifferent_ZeroAndPositive()
    {
        float[] p = [0.5f, 0.25f, 0.25f];
        float[] q = [0.25f, 0.5f, 0.25f];

        Assert.Equal(0.0, MoeTrimmingAnalyzer.KlDivergence(p, p));
        Assert.Equal((0.5 * Math.Log(2)) + (0.25 * Math.Log(0.5)), MoeTrimmingAnalyzer.KlDivergence(p, q), 6);
    }
}
