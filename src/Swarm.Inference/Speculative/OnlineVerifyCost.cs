namespace Swarm.Inference;

/// <summary>The target's verify cost measured while decoding: exponentially weighted seconds of the decodes of each batch
/// size the decoder ran, as a cost relative to a one-token decode. Used where no <see cref="VerifyCostCurve"/> was given.</summary>
/// <remarks>Owned by the decoder's thread; not thread-safe. A clock that does not advance (a fake time provider) records
/// nothing, so the cost stays unknown.</remarks>
internal sealed class OnlineVerifyCost(int maxTokens)
{
    private const double Weight = 0.25;
    private readonly double[] seconds = new double[maxTokens + 1];

    /// <summary>Records one decode of <paramref name="tokens"/> tokens.</summary>
    public void Record(int tokens, double elapsedSeconds)
    {
        if (tokens <= 0 || tokens >= seconds.Length || !(elapsedSeconds > 0))
        {
            return;
        }

        seconds[tokens] = seconds[tokens] == 0 ? elapsedSeconds : ((1 - Weight) * seconds[tokens]) + (Weight * elapsedSeconds);
    }

    /// <summary>Gets the cost of a decode of <paramref name="tokens"/> tokens relative to one token (at least 1), or
    /// <see langword="null"/> while either has not been measured.</summary>
    public double? GetRelativeCost(int tokens)
    {
        if (tokens <= 0 || tokens >= seconds.Length || seconds[1] == 0 || seconds[tokens] == 0)
        {
            return null;
        }

        return Math.Max(1, seconds[tokens] / seconds[1]);
    }
}
