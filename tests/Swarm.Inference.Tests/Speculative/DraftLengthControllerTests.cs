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
    public void Current_ComputeBoundCurve_BacksOffToPlainAndProbes()
    {
        var linear = new VerifyCostCurve(Enumerable.Range(1, 25).Select(n => (double)n).ToArray());
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = linear }, 0.3);

        // Verifying n tokens costs n single decodes: no draft length can beat plain decoding.
        Assert.Equal(0, c.Current);
        var lengths = new List<int>();
        for (var i = 0; i < 8 * DraftLengthController.ProbeInterval; i++)
        {
            lengths.Add(c.Current);
            c.Update(c.Current, 0);
        }

        // Probes after 8, then 16, then 32 plain steps (each failed probe doubles the interval).
        var probes = lengths.Select((k, i) => (k, i)).Where(p => p.k > 0).Select(p => p.i).ToArray();
        Assert.Equal([7, 7 + 16, 7 + 16 + 32], probes);
        Assert.All(lengths.Where(k => k > 0), k => Assert.Equal(1, k));
    }

    [Fact]
    public void Current_FlatCurveAfterRejections_BacksOffThenRecoversWhenProbesAreAccepted()
    {
        var flat = new VerifyCostCurve(Enumerable.Range(1, 25).Select(n => 1 + (0.02 * (n - 1))).ToArray());
        var c = new DraftLengthController(new SpeculativeDecodingOptions { MaxDraftLength = 24, VerifyCostCurve = flat }, 0.5);
        for (var i = 0; i < 20; i++)
        {
            c.Update(Math.Max(1, c.Current), 0);
        }

        Assert.Equal(0, c.Current);
        for (var i = 0; i < 60 * DraftLengthController.ProbeInterval && c.Current < 4; i++)
        {
            c.Update(c.Current, c.Current);
        }

        Assert.True(c.Current >= 4, c.Current.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void VerifyCostCurve_FirstCostNotOne_Throws()
        => Assert.Throws<ArgumentException>(() => new VerifyCostCurve([2.0, 3.0]));
}
