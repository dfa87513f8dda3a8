namespace Swarm.Inference;

/// <summary>Chooses the draft length of each verify step of one sequence.</summary>
/// <remarks>Without a cost curve: grows by 2 after a fully accepted draft and falls halfway towards the accepted
/// length plus one after a rejection. With a curve: tracks the per-token acceptance rate α (exponentially weighted)
/// and picks the K that maximizes E[tokens per verify] / cost = ((1 − α^(K+1)) / (1 − α)) / (K·c_draft + c_verify(K+1));
/// when no K beats plain decoding (1 token per unit of cost) it drafts nothing, probing with the minimum length after
/// <see cref="ProbeInterval"/> steps (the interval doubles after each probe that does not restore speculation, up to
/// <see cref="MaxProbeInterval"/>) so a draft that starts agreeing again is noticed. Not thread-safe.</remarks>
internal sealed class DraftLengthController
{
    /// <summary>Steps between probes while speculation does not pay.</summary>
    public const int ProbeInterval = 8;

    /// <summary>The longest interval between probes.</summary>
    public const int MaxProbeInterval = 64;

    private const double Decay = 0.9;
    private readonly int min;
    private readonly int max;
    private readonly bool adaptive;
    private readonly VerifyCostCurve? curve;
    private readonly double draftCost;
    private int current;
    private double acceptedWeight = 3;
    private double trialWeight = 4;
    private int backedOffSteps;
    private int probeInterval = ProbeInterval;

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

    /// <summary>Gets the draft length of the next step (0: decode plainly this step).</summary>
    public int Current
    {
        get
        {
            if (current > 0)
            {
                return current;
            }

            return backedOffSteps >= probeInterval - 1 ? min : 0;
        }

        private set => current = value;
    }

    /// <summary>Gets the per-token acceptance estimate (accepted / (accepted + rejections)).</summary>
    public double AcceptanceEstimate => acceptedWeight / trialWeight;

    public void Update(int drafted, int accepted)
    {
        var probing = adaptive && current == 0 && drafted > 0;
        if (adaptive && current == 0)
        {
            backedOffSteps = probing ? 0 : backedOffSteps + 1;
        }

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
            probeInterval = current > 0 ? ProbeInterval : probing ? Math.Min(MaxProbeInterval, probeInterval * 2) : probeInterval;
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
        var best = 0;
        var bestValue = 1.0; // plain decoding: one token per single-token decode
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
