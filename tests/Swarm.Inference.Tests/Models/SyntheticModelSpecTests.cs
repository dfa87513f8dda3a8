using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Models;

public sealed class SyntheticModelSpecTests
{
    public static TheoryData<SyntheticModelSpec, string> InvalidSpecs() => new()
    {
        { SyntheticModelSpec.Tiny with { LayerCount = 0 }, "LayerCount" },
        { SyntheticModelSpec.Tiny with { EmbeddingLength = 66 }, "multiple of HeadCount" },
        { SyntheticModelSpec.Tiny with { EmbeddingLength = 60, HeadCount = 4 }, "must be even" },
        { SyntheticModelSpec.Tiny with { KvHeadCount = 3 }, "KvHeadCount" },
        { SyntheticModelSpec.Tiny with { FeedForwardLength = 0 }, "FeedForwardLength" },
        { SyntheticModelSpec.Tiny with { VocabularySize = 100 }, "at least 260" },
        { SyntheticModelSpec.Tiny with { ContextLength = 0 }, "ContextLength" },
        { SyntheticModelSpec.Tiny with { ExpertCount = 4, ExpertUsedCount = 5 }, "ExpertUsedCount" },
        { SyntheticModelSpec.Tiny with { ExpertCount = 4, ExpertUsedCount = 0 }, "ExpertUsedCount" },
        { SyntheticModelSpec.Tiny with { ExpertUsedCount = 1 }, "ExpertUsedCount" },
        { SyntheticModelSpec.Tiny with { WeightType = GgmlType.Q4_K }, "WeightType" },
        { SyntheticModelSpec.Tiny with { WeightType = GgmlType.Q8_0, FeedForwardLength = 100 }, "multiples of 32" },
        { SyntheticModelSpec.Tiny with { WeightScale = float.NaN }, "WeightScale" },
        { SyntheticModelSpec.Tiny with { ScaledTailLayerCount = 3 }, "ScaledTailLayerCount" },
        { SyntheticModelSpec.Tiny with { Name = "a b" }, "Name" },
        { SyntheticModelSpec.Tiny with { RmsNormEpsilon = 0 }, "RmsNormEpsilon" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void Validate_InvalidSpec_NamesTheProblem(SyntheticModelSpec spec, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_AreValidAndSizedAsDocumented()
    {
        foreach (var spec in new[] { SyntheticModelSpec.Tiny, SyntheticModelSpec.Small, SyntheticModelSpec.Large, SyntheticModelSpec.TinyMoe })
        {
            spec.Validate();
        }

        Assert.InRange(SyntheticModelSpec.Small.ParameterCount * 4, 100_000_000, 110_000_000);
        Assert.InRange(SyntheticModelSpec.Large.ParameterCount * 2, 1_000_000_000, 1_300_000_000);
        Assert.True((SyntheticModelSpec.Large with { WeightType = GgmlType.Q8_0, LayerCount = 20 }).ParameterCount * 34 / 32 > 1_000_000_000);
    }

    [Fact]
    public void ComputeHash_DependsOnEveryWeightAffectingValue()
    {
        var baseline = SyntheticModelSpec.Tiny.ComputeHash();

        Assert.Equal(baseline, (SyntheticModelSpec.Tiny with { }).ComputeHash());
        Assert.NotEqual(baseline, (SyntheticModelSpec.Tiny with { Seed = 43 }).ComputeHash());
        Assert.NotEqual(baseline, (SyntheticModelSpec.Tiny with { WeightScale = 0.31f }).ComputeHash());
        Assert.NotEqual(baseline, (SyntheticModelSpec.Tiny with { WeightType = GgmlType.F16 }).ComputeHash());
        Assert.NotEqual(baseline, (SyntheticModelSpec.Tiny with { ChatTemplate = null }).ComputeHash());
        Assert.Equal(64, baseline.Length);
    }

    [Fact]
    public void ParameterCount_MatchesWrittenTensors()
    {
        foreach (var spec in new[] { SyntheticModelSpec.Tiny with { KvHeadCount = 2 }, SyntheticModelSpec.TinyMoe })
        {
            var layout = SyntheticModelBuilder.GetTensorLayout(spec);
            Assert.Equal(spec.ParameterCount, layout.Sum(t => t.Dimensions.Aggregate(1L, (a, b) => a * b)));
        }
    }
}
