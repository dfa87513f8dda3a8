namespace Swarm.Inference.Tests.Speculative;

[Collection(SpeculativeCollection.Name)]
public sealed class VerifyCostCurveTests(SpeculativeFixture fixture)
{
    [Fact]
    public void Measure_DefaultContext_GivesOneCostPerBatchSizeStartingAtOne()
    {
        var curve = VerifyCostCurve.Measure(fixture.Target, maxBatchSize: 6, repetitions: 1);

        Assert.Equal(6, curve.MaxBatchSize);
        Assert.Equal(1.0, curve.RelativeCosts[0]);
        Assert.True(curve.SingleTokenSeconds > 0);
        Assert.All(curve.RelativeCosts, c => Assert.True(double.IsFinite(c) && c > 0, curve.ToString()));
    }

    [Fact]
    public void Measure_ContextLongerThanOneBatchAndTheDefaultContextSize_DecodesItInChunks()
    {
        // 300 context tokens: more than the 64-token batch and the 256-token default context, so the prefix is decoded
        // in several batches into a context sized for it.
        var curve = VerifyCostCurve.Measure(fixture.Target, maxBatchSize: 4, repetitions: 1, contextTokens: 300);

        Assert.Equal(4, curve.MaxBatchSize);
        Assert.True(curve.SingleTokenSeconds > 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Measure_NoContextToken_IsRejected(int contextTokens)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => VerifyCostCurve.Measure(fixture.Target, maxBatchSize: 2, repetitions: 1, contextTokens: contextTokens));

        Assert.Equal("contextTokens", ex.ParamName);
    }

    [Fact]
    public void Measure_BatchAboveTheLongestDraftPlusOne_IsRejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => VerifyCostCurve.Measure(fixture.Target, maxBatchSize: SpeculativeDecodingOptions.MaxSupportedDraftLength + 2));
}
