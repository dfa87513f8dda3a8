using System.Globalization;

namespace Swarm.Inference;

/// <summary>The measured cost of one target decode of <c>n</c> tokens relative to a decode of one token
/// (<c>n</c> = 1 … <see cref="MaxBatchSize"/>): close to 1 where decoding is memory-bound, close to <c>n</c> where it is compute-bound.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class VerifyCostCurve
{
    private readonly double[] relative;

    /// <summary>Initializes a new instance of the <see cref="VerifyCostCurve"/> class.</summary>
    /// <param name="relativeCosts">Cost of decoding 1, 2, … tokens in one batch relative to one token; the first must be 1.</param>
    /// <param name="singleTokenSeconds">The measured seconds of a one-token decode (0 when unknown).</param>
    /// <exception cref="ArgumentException">The costs are empty, do not start at 1, or are not finite and positive.</exception>
    public VerifyCostCurve(IReadOnlyList<double> relativeCosts, double singleTokenSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(relativeCosts);
        if (relativeCosts.Count == 0 || Math.Abs(relativeCosts[0] - 1) > 1e-9)
        {
            throw new ArgumentException("A verify cost curve starts with the cost of one token, 1.", nameof(relativeCosts));
        }

        if (relativeCosts.Any(c => !double.IsFinite(c) || c <= 0))
        {
            throw new ArgumentException("Every relative verify cost must be finite and positive.", nameof(relativeCosts));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(singleTokenSeconds);
        relative = [.. relativeCosts];
        SingleTokenSeconds = singleTokenSeconds;
    }

    /// <summary>Gets the largest batch size measured.</summary>
    public int MaxBatchSize => relative.Length;

    /// <summary>Gets the seconds of a one-token decode when it was measured, otherwise 0.</summary>
    public double SingleTokenSeconds { get; }

    /// <summary>Gets the costs relative to one token, index 0 for one token.</summary>
    public IReadOnlyList<double> RelativeCosts => relative;

    /// <summary>Measures the curve on <paramref name="model"/>: for each batch size the median of <paramref name="repetitions"/>
    /// decodes of that many tokens after a fixed context, each followed by removing them from the KV cache.</summary>
    /// <param name="model">The target model.</param>
    /// <param name="maxBatchSize">The largest batch size (at most 25: K = 24 drafts plus the last token).</param>
    /// <param name="repetitions">Decodes per batch size.</param>
    /// <param name="threadCount">Threads per decode.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system clock.</param>
    /// <param name="contextTokens">Tokens already in the sequence when each batch is decoded: the position the generations
    /// to be priced run at (attention reads them all), 32 by default.</param>
    /// <returns>The measured curve.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range (for example a batch above 25 or no context token).</exception>
    public static VerifyCostCurve Measure(LlamaModel model, int maxBatchSize = 25, int repetitions = 5, int threadCount = 1, TimeProvider? timeProvider = null, int contextTokens = 32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatchSize, SpeculativeDecodingOptions.MaxSupportedDraftLength + 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextTokens);
        timeProvider ??= TimeProvider.System;
        var prefix = contextTokens;
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = Math.Max(256, prefix + maxBatchSize + 8), BatchSize = 64, ThreadCount = threadCount });
        using var batch = new LlamaBatch(64);
        var vocab = model.Vocab.Count;
        var prefixTokens = Enumerable.Range(0, prefix).Select(i => 3 + (i * 7 % Math.Max(1, vocab - 3))).ToArray();
        for (var from = 0; from < prefix; from += batch.Capacity)
        {
            var n = Math.Min(batch.Capacity, prefix - from);
            batch.Clear();
            batch.AddRange(prefixTokens.AsSpan(from, n), from, 0, LlamaBatchLogits.None);
            context.Decode(batch);
        }

        var seconds = new double[maxBatchSize];
        var samples = new double[repetitions];
        for (var n = 1; n <= maxBatchSize; n++)
        {
            for (var r = -1; r < repetitions; r++)
            {
                batch.Clear();
                for (var i = 0; i < n; i++)
                {
                    batch.Add(3 + ((i * 13 + r + 5) % Math.Max(1, vocab - 3)), prefix + i, 0, logits: true);
                }

                var start = timeProvider.GetTimestamp();
                context.Decode(batch);
                var elapsed = timeProvider.GetElapsedTime(start).TotalSeconds;
                context.RemoveTokens(0, prefix, -1);
                if (r >= 0)
                {
                    samples[r] = elapsed; // r == -1 warms up
                }
            }

            Array.Sort(samples);
            seconds[n - 1] = samples[repetitions / 2];
        }

        var baseline = Math.Max(seconds[0], 1e-9);
        return new VerifyCostCurve(seconds.Select((s, i) => i == 0 ? 1.0 : Math.Max(s, 1e-12) / baseline).ToArray(), seconds[0]);
    }

    /// <summary>Gets the relative cost of decoding <paramref name="tokens"/> tokens in one batch (the last measured
    /// value, scaled linearly, past the end of the curve).</summary>
    /// <param name="tokens">Tokens in the batch.</param>
    /// <returns>The cost relative to a one-token decode.</returns>
    public double GetRelativeCost(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        return tokens <= relative.Length ? relative[tokens - 1] : relative[^1] * tokens / relative.Length;
    }

    /// <inheritdoc/>
    public override string ToString()
        => string.Join(' ', relative.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}:{c:0.00}")));
}
