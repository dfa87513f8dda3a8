namespace Swarm.Inference;

/// <summary>Turns logits into the sampling distribution of <see cref="LlamaSamplerOptions"/> (temperature, top-k,
/// top-p, min-p) in managed code, so speculative decoding can compare the target's and the draft's probabilities.</summary>
/// <remarks>Not thread-safe: one instance per sequence (it reuses its buffers).</remarks>
internal sealed class TokenDistribution
{
    private readonly LlamaSamplerOptions options;
    private int[] order = [];

    public TokenDistribution(LlamaSamplerOptions options)
    {
        this.options = options;
    }

    public bool IsGreedy => options.IsGreedy;

    /// <summary>Index of the largest logit; the lowest index wins a tie, as llama.cpp's greedy sampler does.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        var max = logits[0];
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > max)
            {
                max = logits[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>Softmax probability of the arg-max token (the draft's confidence under greedy decoding).</summary>
    public static float MaxProbability(ReadOnlySpan<float> logits, int argMax)
    {
        var max = logits[argMax];
        double sum = 0;
        foreach (var l in logits)
        {
            sum += Math.Exp(l - max);
        }

        return (float)(1.0 / sum);
    }

    /// <summary>Writes the sampling distribution of <paramref name="logits"/> into <paramref name="probabilities"/>.</summary>
    public void Compute(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        var n = logits.Length;
        if (options.IsGreedy)
        {
            probabilities.Clear();
            probabilities[ArgMax(logits)] = 1f;
            return;
        }

        var t = options.Temperature;
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        // Truncation (top-k, then top-p and min-p over the renormalized top-k set) works on the untempered
        // softmax, as llama.cpp's chain top_k -> top_p -> min_p -> temp -> dist does; the temperature then
        // shapes the kept tokens.
        var truncate = (options.TopK > 0 && options.TopK < n) || options.TopP < 1f || options.MinP > 0f;
        var keepMask = truncate ? Truncate(logits, max) : null;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            if (keepMask is not null && !keepMask[i])
            {
                probabilities[i] = 0f;
                continue;
            }

            var e = Math.Exp((logits[i] - max) / t);
            probabilities[i] = (float)e;
            sum += e;
        }

        var inv = (float)(1.0 / sum);
        for (var i = 0; i < n; i++)
        {
            probabilities[i] *= inv;
        }
    }

    private bool[] Truncate(ReadOnlySpan<float> logits, float max)
    {
        var n = logits.Length;
        if (order.Length != n)
        {
            order = new int[n];
        }

        var raw = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            raw[i] = Math.Exp(logits[i] - max);
        }

        Array.Sort(order, (a, b) => raw[b].CompareTo(raw[a]) is var c && c != 0 ? c : a.CompareTo(b));
        var keep = options.TopK > 0 ? Math.Min(options.TopK, n) : n;
        double sumK = 0;
        for (var i = 0; i < keep; i++)
        {
            sumK += raw[order[i]];
        }

        var top = raw[order[0]];
        double cumulative = 0;
        var kept = 0;
        for (; kept < keep; kept++)
        {
            var p = raw[order[kept]];
            if (kept > 0 && ((options.TopP < 1f && cumulative / sumK >= options.TopP) || (options.MinP > 0f && p < options.MinP * top)))
            {
                break;
            }

            cumulative += p;
        }

        var mask = new bool[n];
        for (var i = 0; i < kept; i++)
        {
            mask[order[i]] = true;
        }

        return mask;
    }

    /// <summary>Draws an index from a normalized distribution.</summary>
    public static int Sample(ReadOnlySpan<float> probabilities, Random random)
    {
        var u = random.NextDouble();
        double c = 0;
        var last = -1;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0f)
            {
                continue;
            }

            c += probabilities[i];
            last = i;
            if (u < c)
            {
                return i;
            }
        }

        return last < 0 ? 0 : last;
    }
}
