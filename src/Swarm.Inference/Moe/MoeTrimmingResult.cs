using System.Globalization;

namespace Swarm.Inference;

/// <summary>Speed and quality of a mixture-of-experts model at one experts-used value, against the untrimmed model.</summary>
/// <param name="ExpertsUsed">Experts routed per token.</param>
/// <param name="Top1Agreement">Share of prompt positions where the next-token arg-max equals the untrimmed model's.</param>
/// <param name="MeanKlDivergence">Mean KL(untrimmed ‖ trimmed) of the next-token distributions, in nats.</param>
/// <param name="TokensPerSecond">Greedy generation tokens per second (median of the runs).</param>
/// <param name="Positions">Prompt positions compared.</param>
public sealed record MoeTrimmingResult(int ExpertsUsed, double Top1Agreement, double MeanKlDivergence, double TokensPerSecond, int Positions)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{ExpertsUsed} experts: top-1 agreement {Top1Agreement:P1}, mean KL {MeanKlDivergence:G3} nats, {TokensPerSecond:0.0} tokens/s over {Positions} positions");
}
