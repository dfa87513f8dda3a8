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
        new MetricColumn("Predicted", "E[acc+1] × t_plain / (K × t_draft + t_verify(K+1)) from the measured verify-cost curve", (s, c) => Predicted(s, c) is { } v ? F(v, "0.00") + "×" : "-"),
        new MetricColumn("Meas/Pred", "measured speedup / predicted speedup (bar: ≥ 0.9)", (s, c) => Speedup(s, c) is { } m && Predicted(s, c) is { } p && p > 0 ? F(m / p, "0.00") : "-"),
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

    public static void Record(string key, IEnumerable<SpeculativeGenerationReport> reports, double draftStepSeconds, VerifyCostCurve? curve)
    {
        var list = reports.ToList();
        var drafted = list.Sum(r => r.DraftedTokens);
        var steps = list.Sum(r => r.VerifySteps);
        Set(key, "alpha", drafted == 0 ? 0 : (double)list.Sum(r => r.AcceptedTokens) / drafted);
        Set(key, "k", steps == 0 ? 0 : (double)drafted / steps);
        Set(key, "tokPerVerify", steps == 0 ? 0 : (double)list.Sum(r => r.GeneratedTokens) / steps);
        Set(key, "tokens", list.Sum(r => r.GeneratedTokens));
        Set(key, "draftStep", draftStepSeconds);
        Set(key, "promptSeconds", list.Count == 0 ? 0 : list.Average(r => r.PromptSeconds));
        Set(key, "genSeconds", list.Count == 0 ? 0 : list.Max(r => r.ElapsedSeconds - r.PromptSeconds));
        if (curve is not null)
        {
            var k = steps == 0 ? 0 : (double)drafted / steps;
            var lo = (int)Math.Floor(k);
            var frac = k - lo;
            var relative = ((1 - frac) * curve.GetRelativeCost(lo + 1)) + (frac * curve.GetRelativeCost(lo + 2));
            Set(key, "verifyRelative", relative);
            Set(key, "curveSingle", curve.SingleTokenSeconds);
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

    /// <summary>Predicted speedup from the measured parts: the plain generation time of the same run over the time the
    /// model predicts for the speculative one, prompt + (tokens / E[accepted + 1]) × (K × t_draft + t_verify(K + 1)),
    /// with the draft step time measured in setup and the verify time from the target's measured verify-cost curve.</summary>
    private static double? Predicted(Summary s, BenchmarkCase c)
    {
        if (Get(c, "tokPerVerify") is not { } e || e <= 0 || Get(c, "k") is not { } k || Get(c, "verifyRelative") is not { } rv
            || Get(c, "draftStep") is not { } td || Get(c, "curveSingle") is not { } single || Get(c, "tokens") is not { } tokens)
        {
            return null;
        }

        if (Baseline(s, c) is not { } b || Median(s, b) is not { } tb)
        {
            return null;
        }

        var prompt = Get(c, "promptSeconds") ?? 0;
        var predictedSeconds = prompt + (tokens / e * ((k * td) + (rv * single)));
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
