namespace Swarm.Inference.Tests.Speculative;

public sealed class DraftLengthControllerTests
{
    [Fact]
    public void Update_FullAcceptance_GrowsUpToMax()
    {
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, InitialDraftLength = 4 }, 0.1);
        for (var i = 0; i < 20; i++)
        {
            c.Update(c.Current, c.Current);
        }

        Assert.Equal(24, c.Current);
    }

    [Fact]
    public void Update_Rejection_ShrinksTowardsAcceptedLength()
    {
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, InitialDraftLength = 16 }, 0.1);

        c.Update(16, 0);
        Assert.Equal(8, c.Current);
        c.Update(8, 0);
        c.Update(4, 0);
        c.Update(2, 0);
        Assert.Equal(1, c.Current);
    }

    [Fact]
    public void Update_NotAdaptive_KeepsMax()
    {
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 6, Adaptive = false }, 0.1);
        c.Update(6, 0);
        Assert.Equal(6, c.Current);
    }

    [Fact]
    public void Current_MemoryBoundCurveHighAcceptance_DraftsLong()
    {
        var flat = new VerifyCostCurve(Enumerable.Range(1, 25).Select(n => 1 + (0.01 * (n - 1))).ToArray());
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = flat }, 0.02);
        for (var i = 0; i < 30; i++)
        {
            c.Update(c.Current, c.Current);
        }

        Assert.True(c.Current >= 16, c.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Current_ComputeBoundCurve_DraftsMinimum()
    {
        var linear = new VerifyCostCurve(Enumerable.Range(1, 25).Select(n => (double)n).ToArray());
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = linear }, 0.3);
        for (var i = 0; i < 10; i++)
        {
            c.Update(c.Current, c.Current / 2);
        }

        Assert.Equal(1, c.Current);
    }

    [Fact]
    public void VerifyCostCurve_FirstCostNotOne_Throws()
        => Assert.Throws<ArgumentException>(() => new VerifyCostCurve([2.0, 3.0]));
}
