namespace Swarm.Inference;

/// <summary>The acceptance rule of speculative sampling: a drafted token <c>x</c> drawn from the draft's distribution
/// <c>q</c> is kept with probability <c>min(1, p(x) / q(x))</c>; otherwise a replacement is drawn from the normalized
/// residual <c>max(0, p − q)</c>. The token that results is distributed exactly as <c>p</c>.</summary>
internal static class RejectionSampler
{
    /// <summary>Decides whether the drafted token is accepted.</summary>
    public static bool Accept(float targetProbability, float draftProbability, Random random)
    {
        if (targetProbability >= draftProbability)
        {
            return true;
        }

        return random.NextDouble() * draftProbability < targetProbability;
    }

    /// <summary>Draws the replacement token from the normalized residual; <paramref name="scratch"/> is overwritten.</summary>
    public static int SampleResidual(ReadOnlySpan<float> target, ReadOnlySpan<float> draft, Span<float> scratch, Random random)
    {
        double sum = 0;
        for (var i = 0; i < target.Length; i++)
        {
            var r = Math.Max(0f, target[i] - draft[i]);
            scratch[i] = r;
            sum += r;
        }

        if (sum <= 0)
        {
            // p == q (up to rounding): the draft token was rejected only by rounding; fall back to p itself.
            return TokenDistribution.Sample(target, random);
        }

        var inv = (float)(1.0 / sum);
        for (var i = 0; i < target.Length; i++)
        {
            scratch[i] *= inv;
        }

        return TokenDistribution.Sample(scratch, random);
    }

    /// <summary>Residual of a deterministic (one-hot) draft of <paramref name="drafted"/>: <c>p</c> without that token.</summary>
    public static int SampleResidualOneHot(ReadOnlySpan<float> target, int drafted, Span<float> scratch, Random random)
    {
        double sum = 0;
        for (var i = 0; i < target.Length; i++)
        {
            var r = i == drafted ? 0f : target[i];
            scratch[i] = r;
            sum += r;
        }

        if (sum <= 0)
        {
            return drafted;
        }

        var inv = (float)(1.0 / sum);
        for (var i = 0; i < target.Length; i++)
        {
            scratch[i] *= inv;
        }

        return TokenDistribution.Sample(scratch, random);
    }
}
