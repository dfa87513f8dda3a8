namespace Swarm.Inference;

/// <summary>Decides, per sequence, how many tokens prompt lookup may draft this step.</summary>
/// <remarks>
/// <para>On text without repeats, short n-grams still recur with other continuations; each such draft costs a verify
/// batch of K + 1 tokens for one token of output. So:</para>
/// <list type="bullet">
/// <item>until a draft of the sequence has been accepted (and after every fully rejected one) a draft is a probe of
/// <c>minDraft</c> tokens (a one-token probe costs a two-token verify);</item>
/// <item>after <see cref="PromptLookupOptions.MaxConsecutiveRejections"/> rejected drafts in a row the sequence stops
/// drafting for <see cref="PromptLookupOptions.BackoffSteps"/> steps, then probes once; a rejected probe doubles the
/// pause (up to <see cref="PromptLookupOptions.MaxBackoffSteps"/>), an accepted draft resets it;</item>
/// <item>once drafts are being accepted, the draft length is the one that maximizes expected tokens per unit of verify
/// cost, E = (1 − α^(K+1)) / (1 − α) over c(K+1), at the sequence's recent per-token acceptance α, where the verify cost
/// c is known (the options' <see cref="VerifyCostCurve"/>, else the decoder's online measurement); when no length beats
/// plain decoding (E/c ≤ 1) the sequence backs off as after rejections.</item>
/// </list>
/// <para><see cref="PromptLookupOptions.MaxConsecutiveRejections"/> = 0 turns all of this off (every step drafts what
/// the lookup finds). Not thread-safe.</para>
/// </remarks>
internal sealed class PromptLookupBackoff(PromptLookupOptions options, int minDraft)
{
    private const double Decay = 0.8;
    private int rejectionsInARow;
    private int pause = options.BackoffSteps;
    private int waiting;
    private bool confirmed;
    private double acceptedWeight = 3;
    private double trialWeight = 4;

    /// <summary>Gets the steps left before the next probe.</summary>
    public int Waiting => waiting;

    /// <summary>Gets the per-token acceptance estimate (accepted / (accepted + rejections), exponentially weighted).</summary>
    public double AcceptanceEstimate => acceptedWeight / trialWeight;

    /// <summary>Returns the most tokens the sequence may draft this step (0: decode plainly), counting a paused step.</summary>
    /// <param name="limit">The longest draft the step allows.</param>
    /// <param name="relativeCost">The verify cost of n tokens relative to one, or <see langword="null"/> when unknown.</param>
    public int Next(int limit, Func<int, double?>? relativeCost)
    {
        if (limit <= 0 || options.MaxConsecutiveRejections == 0)
        {
            return limit;
        }

        if (waiting > 0)
        {
            waiting--;
            return 0;
        }

        if (!confirmed)
        {
            return Math.Min(limit, minDraft);
        }

        if (relativeCost is null)
        {
            return limit;
        }

        var alpha = AcceptanceEstimate;
        var best = 0;
        var bestValue = 1.0;
        for (var k = minDraft; k <= limit; k++)
        {
            if (relativeCost(k + 1) is not { } cost)
            {
                return limit; // not measured yet: draft, and learn the cost
            }

            var value = DraftLengthController.ExpectedTokens(alpha, k) / cost;
            if (value > bestValue + 1e-12)
            {
                best = k;
                bestValue = value;
            }
        }

        if (best == 0)
        {
            BackOff();
        }

        return best;
    }

    /// <summary>Records the outcome of a verify step.</summary>
    public void Update(int drafted, int accepted)
    {
        if (drafted == 0 || options.MaxConsecutiveRejections == 0)
        {
            return;
        }

        var rejected = accepted < drafted ? 1 : 0;
        acceptedWeight = (acceptedWeight * Decay) + accepted;
        trialWeight = (trialWeight * Decay) + accepted + rejected;
        if (accepted > 0)
        {
            confirmed = true;
            rejectionsInARow = 0;
            pause = options.BackoffSteps;
            return;
        }

        confirmed = false;
        if (++rejectionsInARow < options.MaxConsecutiveRejections)
        {
            return;
        }

        BackOff();
        rejectionsInARow = options.MaxConsecutiveRejections - 1; // the probe after the pause backs off again if rejected
    }

    private void BackOff()
    {
        waiting = pause;
        pause = Math.Min(options.MaxBackoffSteps, pause * 2);
        confirmed = false;
    }
}
