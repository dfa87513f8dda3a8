namespace Swarm.Inference;

/// <summary>Chooses the draft length of each verify step of one sequence.</summary>
/// <remarks>Without a cost curve: grows by 2 after a fully accepted draft and falls halfway towards the accepted
/// length plus one after a rejection. With a curve: tracks the per-token acceptance rate α (exponentially weighted)
/// and picks the K that maximizes E[tokens per verify] / cost = ((1 − α^(K+1)) / (1 − α)) / (K·c_draft + c_verify(K+1)).
/// Not thread-safe.</remarks>
internal sealed class DraftLengthController
{
    private const double Decay = 0.9;
    private readonly int min;
    private readonly int max;
    private readonly bool adaptive;
    private readonly VerifyCostCurve? curve;
    private readonly double draftCost;
    private double acceptedWeight = 3;
    private double trialWeight = 4;

    public DraftLengthController(SpeculativeDecodingOptions options, double draftCost)
    {
        min = options.MinDraftLength;
        max = options.MaxDraftLength;
        adaptive = options.Adaptive;
        curve = options.VerifyCostCurve;
        this.draftCost = draftCost;
        Current = adaptive ? Math.Clamp(options.InitialDraftLength, min, max) : max;
        if (adaptive && curve is not null)
        {
            Current = Best(AcceptanceEstimate);
        }
    }

    public int Current { get; private set; }

    /// <summary>Gets the per-token acceptance estimate (accepted / (accepted + rejections)).</summary>
    public double AcceptanceEstimate => acceptedWeight / trialWeight;

    public void Update(int drafted, int accepted)
    {
        if (!adaptive || drafted == 0)
        {
            return;
        }

        var rejected = accepted < drafted ? 1 : 0;
        acceptedWeight = (acceptedWeight * Decay) + accepted;
        trialWeight = (trialWeight * Decay) + accepted + rejected;
        if (curve is not null)
        {
            Current = Best(AcceptanceEstimate);
            return;
        }

        Current = rejected == 0
            ? Math.Min(max, Current + 2)
            : Math.Max(min, (Current + accepted + 1) / 2);
    }

    /// <summary>Expected tokens per verify step for K drafts at per-token acceptance α.</summary>
    public static double ExpectedTokens(double alpha, int k)
        => alpha >= 1 ? k + 1 : (1 - Math.Pow(alpha, k + 1)) / (1 - alpha);

    private int Best(double alpha)
    {
        var best = min;
        var bestValue = double.NegativeInfinity;
        for (var k = min; k <= max; k++)
        {
            var value = ExpectedTokens(alpha, k) / ((k * draftCost) + curve!.GetRelativeCost(k + 1));
            if (value > bestValue + 1e-12)
            {
                bestValue = value;
                best = k;
            }
        }

        return best;
    }
}
