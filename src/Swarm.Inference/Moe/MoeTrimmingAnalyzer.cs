namespace Swarm.Inference;

/// <summary>Measures what trimming the experts of a mixture-of-experts model costs: for each experts-used value, the
/// top-1 agreement and mean KL divergence of next-token distributions against the untrimmed model over a fixed prompt
/// set (every prompt position), beside greedy generation tokens per second.</summary>
/// <remarks>Thread-safe (stateless); each call loads its own model instances.</remarks>
public static class MoeTrimmingAnalyzer
{
    /// <summary>Measures <paramref name="path"/> at each of <paramref name="expertsUsedValues"/>.</summary>
    /// <param name="path">The MoE GGUF file.</param>
    /// <param name="expertsUsedValues">Experts-used values to measure (each 1 to the expert count).</param>
    /// <param name="prompts">The fixed prompt set (each at least two tokens long once tokenized).</param>
    /// <param name="options">Speed-run options.</param>
    /// <param name="cancellationToken">Cancels between decodes.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is below 1 or above the expert count (checked before anything is loaded).</exception>
    /// <exception cref="ArgumentException">The model is not a mixture of experts, or the prompt set is empty.</exception>
    public static MoeTrimmingReport Measure(string path, IEnumerable<int> expertsUsedValues, IReadOnlyList<string> prompts, MoeTrimmingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expertsUsedValues);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("The prompt set is empty.", nameof(prompts));
        }

        options ??= new MoeTrimmingOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.GeneratedTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SpeedRuns);
        var info = MoeExpertTrimming.ReadModelInfo(path);
        var values = expertsUsedValues.ToArray();
        foreach (var v in values)
        {
            _ = MoeExpertTrimming.CreateOverride(path, v); // validates every value before loading anything
        }

        List<float[][]> reference;
        int[][] tokenized;
        using (var full = LlamaModel.Load(path))
        {
            tokenized = prompts.Select(p => full.Vocab.Tokenize(p)).ToArray();
            if (tokenized.Any(t => t.Length < 2))
            {
                throw new ArgumentException("Every prompt must tokenize to at least two tokens.", nameof(prompts));
            }

            reference = tokenized.Select(t => Distributions(full, t, options.ThreadCount, cancellationToken)).ToList();
        }

        var results = new List<MoeTrimmingResult>(values.Length);
        foreach (var used in values)
        {
            using var model = MoeExpertTrimming.LoadWithExpertsUsed(path, used);
            double kl = 0;
            var agree = 0;
            var positions = 0;
            for (var i = 0; i < tokenized.Length; i++)
            {
                var trimmed = Distributions(model, tokenized[i], options.ThreadCount, cancellationToken);
                for (var pos = 0; pos < trimmed.Length; pos++)
                {
                    var p = reference[i][pos];
                    var q = trimmed[pos];
                    agree += ArgMax(p) == ArgMax(q) ? 1 : 0;
                    kl += KlDivergence(p, q);
                    positions++;
                }
            }

            var speed = TokensPerSecond(model, tokenized[0], options, cancellationToken);
            results.Add(new MoeTrimmingResult(used, (double)agree / positions, kl / positions, speed, positions));
        }

        return new MoeTrimmingReport(info, results);
    }

    /// <summary>KL(p ‖ q) in nats; q is floored at 1e-30 so a token the trimmed model rules out costs a finite penalty.</summary>
    internal static double KlDivergence(float[] p, float[] q)
    {
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] > 0)
            {
                sum += p[i] * (Math.Log(p[i]) - Math.Log(Math.Max(q[i], 1e-30)));
            }
        }

        return Math.Max(0, sum);
    }

    private static int ArgMax(float[] values) => TokenDistribution.ArgMax(values);

    private static float[][] Distributions(LlamaModel model, int[] tokens, int threads, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = Math.Max(64, tokens.Length + 8), BatchSize = Math.Max(64, tokens.Length), ThreadCount = threads });
        using var batch = new LlamaBatch(Math.Max(64, tokens.Length));
        batch.AddRange(tokens, 0, 0, LlamaBatchLogits.All);
        context.Decode(batch);
        var softmax = new TokenDistribution(new LlamaSamplerOptions { Temperature = 1f, TopK = 0, TopP = 1f, MinP = 0f });
        var result = new float[tokens.Length][];
        for (var i = 0; i < tokens.Length; i++)
        {
            result[i] = new float[context.VocabularySize];
            softmax.Compute(context.GetLogits(i), result[i]);
        }

        return result;
    }

    private static double TokensPerSecond(LlamaModel model, int[] prompt, MoeTrimmingOptions options, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var runs = new double[options.SpeedRuns];
        using var context = model.CreateContext(new LlamaContextOptions { ContextSize = prompt.Length + options.GeneratedTokens + 8, BatchSize = Math.Max(64, prompt.Length), ThreadCount = options.ThreadCount });
        using var batch = new LlamaBatch(Math.Max(64, prompt.Length));
        for (var r = 0; r < runs.Length; r++)
        {
            context.ClearMemory();
            batch.Clear();
            batch.AddRange(prompt, 0, 0, LlamaBatchLogits.Last);
            context.Decode(batch);
            var index = prompt.Length - 1;
            var start = time.GetTimestamp();
            for (var n = 0; n < options.GeneratedTokens; n++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var token = TokenDistribution.ArgMax(context.GetLogits(index));
                batch.Clear();
                index = batch.Add(token, prompt.Length + n, 0, logits: true);
                context.Decode(batch);
            }

            var seconds = time.GetElapsedTime(start).TotalSeconds;
            runs[r] = seconds <= 0 ? 0 : options.GeneratedTokens / seconds;
        }

        Array.Sort(runs);
        return runs[runs.Length / 2];
    }
}
