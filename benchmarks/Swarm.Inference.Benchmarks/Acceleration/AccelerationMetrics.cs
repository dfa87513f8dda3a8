using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>What the benchmarks measured beside time (acceptance, draft length, quality), keyed by benchmark case, and
/// the extra columns that show it with the measured and predicted speedups.</summary>
public static class AccelerationMetrics
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, List<double>>> Values = new(StringComparer.Ordinal);

    public static IColumn[] Columns { get; } =
    [
        new MetricColumn("Speedup", "plain time / this time (median)", (s, c) => Speedup(s, c) is { } v ? F(v, "0.00") + "×" : "-"),
        new MetricColumn("Gen speedup", "generation-phase speedup, prompt processing excluded (medians)", (s, c) => Baseline(s, c) is { } b && Get(b, "genSeconds") is { } gb && Get(c, "genSeconds") is { } gc && gc > 0 ? F(gb / gc, "0.00") + "×" : "-"),
        new MetricColumn("Tok/s ratio", "aggregate tokens/s of all sequences / plain single-sequence tokens/s", TokensPerSecondRatio),
        new MetricColumn("Accept", "accepted / drafted tokens", (s, c) => Get(c, "alpha") is { } v ? F(v, "0.000") : "-"),
        new MetricColumn("Mean K", "drafted tokens per verify step", (s, c) => Get(c, "k") is { } v ? F(v, "0.0") : "-"),
        new MetricColumn("Tok/verify", "E[accepted + 1] per verify step", (s, c) => Get(c, "tokPerVerify") is { } v ? F(v, "0.00") : "-"),
        new MetricColumn("Predicted", "E[acc+1] × t_plain / (K × t_draft + t_verify(K+1)) against the plain run just before each invocation (median); t_draft and t_verify as ratios from the verify-cost curve", (s, c) => (Get(c, "pairedPredicted") ?? Predicted(s, c)) is { } v ? F(v, "0.00") + "×" : "-"),
        new MetricColumn("Paired", "plain time / this time, each invocation against the plain run just before it (median)", (s, c) => Get(c, "pairedMeasured") is { } v ? F(v, "0.00") + "×" : "-"),
        new MetricColumn("Meas/Pred", "measured / predicted speedup, per invocation against the same plain run (median; bar: ≥ 0.9)", (s, c) => Get(c, "pairedRatio") is { } r ? F(r, "0.00") : Speedup(s, c) is { } m && Predicted(s, c) is { } p && p > 0 ? F(m / p, "0.00") : "-"),
        new MetricColumn("Lossless", "greedy output identical to plain greedy decoding in every measured run", (s, c) => Get(c, "checked") is null ? "-" : Get(c, "mismatch") is null ? "yes" : "NO"),
        new MetricColumn("Top-1", "next-token arg-max agreement with the untrimmed model", (s, c) => Get(c, "top1") is { } v ? F(v, "P1") : "-"),
        new MetricColumn("KL", "mean KL(untrimmed ‖ trimmed), nats", (s, c) => Get(c, "kl") is { } v ? F(v, "G3") : "-"),
    ];

    public static string Key(Type type, string method, string parameters) => $"{type.Name}.{method}|{parameters}";

    /// <summary>Records one measured value; a column shows the median of the values recorded for the case.</summary>
    public static void Set(string key, string name, double value)
    {
        var list = Values.GetOrAdd(key, _ => new ConcurrentDictionary<string, List<double>>(StringComparer.Ordinal)).GetOrAdd(name, _ => []);
        lock (list)
        {
            list.Add(value);
        }
    }

    /// <summary>Records what one speculative invocation measured.</summary>
    /// <param name="key">The case.</param>
    /// <param name="reports">The generations of the invocation.</param>
    /// <param name="draftRelative">One draft step over one target one-token decode, both measured in setup moments apart (0 for prompt lookup).</param>
    /// <param name="curve">The target's verify-cost curve, or <see langword="null"/> for no prediction.</param>
    /// <param name="paired">The plain generation run just before this invocation (its time per generated token and its
    /// whole time), or <see langword="null"/>: with it the invocation's own predicted and measured speedups are recorded,
    /// both against that adjacent plain run, so drift of the shared machine between cases cancels.</param>
    public static void Record(string key, IEnumerable<SpeculativeGenerationReport> reports, double draftRelative, VerifyCostCurve? curve, (double SecondsPerToken, double TotalSeconds)? paired = null)
    {
        var list = reports.ToList();
        var drafted = list.Sum(r => r.DraftedTokens);
        var steps = list.Sum(r => r.VerifySteps);
        Set(key, "alpha", drafted == 0 ? 0 : (double)list.Sum(r => r.AcceptedTokens) / drafted);
        Set(key, "k", steps == 0 ? 0 : (double)drafted / steps);
        Set(key, "tokPerVerify", steps == 0 ? 0 : (double)list.Sum(r => r.GeneratedTokens) / steps);
        Set(key, "tokens", list.Sum(r => r.GeneratedTokens));
        Set(key, "promptSeconds", list.Count == 0 ? 0 : list.Average(r => r.PromptSeconds));
        Set(key, "genSeconds", list.Count == 0 ? 0 : list.Max(r => r.ElapsedSeconds - r.PromptSeconds));
        if (curve is not null)
        {
            // The verify cost averaged over the draft lengths the steps actually used (an adaptive K varies from step to
            // step, and on a compute-bound curve the cost at the mean K is far below the mean cost): DraftedByPosition[j]
            // counts the steps that drafted more than j tokens, so steps - DraftedByPosition[0] drafted none.
            var weighted = 0.0;
            foreach (var r in list)
            {
                var d = r.DraftedByPosition;
                for (var j = 0; j <= d.Count; j++)
                {
                    var atLeast = j == 0 ? r.VerifySteps : d[j - 1];
                    var more = j < d.Count ? d[j] : 0;
                    weighted += (atLeast - more) * curve.GetRelativeCost(j + 1);
                }
            }

            Set(key, "verifyRelative", steps == 0 ? 1 : weighted / steps);
            Set(key, "draftRelative", draftRelative);
            if (paired is { } plain && steps > 0 && list.Count > 0)
            {
                var e = (double)list.Sum(r => r.GeneratedTokens) / steps;
                var k = (double)drafted / steps;
                // A verify of n tokens streams the weights as a one-token decode does (priced at the adjacent plain run's
                // time per token, which moves with the machine's memory traffic) and adds the arithmetic of the other n − 1
                // tokens (priced in seconds from the curve: compute-bound work that stays steady while the streaming swings).
                var extraSeconds = ((weighted / steps) - 1) * curve.SingleTokenSeconds;
                var stepSeconds = (k * draftRelative * plain.SecondsPerToken) + plain.SecondsPerToken + extraSeconds;
                var predictedSeconds = list.Average(r => r.PromptSeconds) + (list.Sum(r => r.GeneratedTokens) / e * stepSeconds);
                var measuredSeconds = list.Max(r => r.ElapsedSeconds);
                Set(key, "pairedPredicted", plain.TotalSeconds / predictedSeconds);
                Set(key, "pairedMeasured", plain.TotalSeconds / measuredSeconds);
                Set(key, "pairedRatio", predictedSeconds / measuredSeconds);
            }
        }
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static string CaseKey(BenchmarkCase c)
        => Key(c.Descriptor.Type, c.Descriptor.WorkloadMethod.Name, string.Join(",", c.Parameters.Items.Select(p => $"{p.Name}={p.Value}")));

    private static double? Get(BenchmarkCase c, string name)
    {
        if (!Values.TryGetValue(CaseKey(c), out var d) || !d.TryGetValue(name, out var list))
        {
            return null;
        }

        lock (list)
        {
            var sorted = list.Order().ToArray();
            return sorted.Length == 0 ? null : sorted[sorted.Length / 2];
        }
    }

    private static double? Median(Summary s, BenchmarkCase c) => s[c]?.ResultStatistics?.Median;

    private static BenchmarkCase? Baseline(Summary s, BenchmarkCase c)
        => s.BenchmarksCases.FirstOrDefault(b => b.Descriptor.Baseline && b.Descriptor.Type == c.Descriptor.Type && b.Parameters.Equals(c.Parameters))
           ?? s.BenchmarksCases.FirstOrDefault(b => b.Descriptor.Baseline && b.Descriptor.Type == c.Descriptor.Type && b.Parameters.DisplayInfo == c.Parameters.DisplayInfo);

    private static double? Speedup(Summary s, BenchmarkCase c)
        => Baseline(s, c) is { } b && Median(s, b) is { } tb && Median(s, c) is { } tc && tc > 0 ? tb / tc : null;

    private static string TokensPerSecondRatio(Summary s, BenchmarkCase c)
    {
        if (Get(c, "sequences") is not { } sequences || Baseline(s, c) is not { } b || Median(s, b) is not { } tb || Median(s, c) is not { } tc || tc <= 0)
        {
            return "-";
        }

        return F(sequences * tb / tc, "0.00") + "×";
    }

    /// <summary>Predicted speedup from the measured parts: the plain run's time over the time the model predicts for the
    /// speculative one, prompt + (tokens / E[accepted + 1]) × t_plain × (K × t_draft/t_target + t_verify(K + 1)/t_target).
    /// t_plain is the plain run's own time per generated token (its generation phase over its decodes), so the prediction
    /// is priced at the positions and the machine state of the measured runs; the draft step and the verify-cost curve
    /// enter as ratios to the target's one-token decode measured beside them in setup. (Pricing with the setup's absolute
    /// one-token time instead made the prediction drift with the machine between setup and measurement, and the curve's
    /// one-token decode, at position 32, is cheaper than the plain run's average token on a compute-bound model.)</summary>
    private static double? Predicted(Summary s, BenchmarkCase c)
    {
        if (Get(c, "tokPerVerify") is not { } e || e <= 0 || Get(c, "k") is not { } k || Get(c, "verifyRelative") is not { } rv
            || Get(c, "draftRelative") is not { } rd || Get(c, "tokens") is not { } tokens)
        {
            return null;
        }

        if (Baseline(s, c) is not { } b || Median(s, b) is not { } tb || Get(b, "genSeconds") is not { } plainGen || Get(b, "tokens") is not { } plainTokens || plainTokens < 2)
        {
            return null;
        }

        var tPlain = plainGen / (plainTokens - 1);
        var prompt = Get(c, "promptSeconds") ?? 0;
        var predictedSeconds = prompt + (tokens / e * tPlain * ((k * rd) + rv));
        return tb / 1e9 / predictedSeconds;
    }

    private sealed class MetricColumn(string name, string legend, Func<Summary, BenchmarkCase, string> value) : IColumn
    {
        public string Id => "Swarm.Acceleration." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => value(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => value(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
