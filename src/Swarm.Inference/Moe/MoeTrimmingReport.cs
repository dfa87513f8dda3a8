using System.Globalization;
using System.Text;

namespace Swarm.Inference;

/// <summary>The quality cost and speed of each experts-used value of a mixture-of-experts model.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class MoeTrimmingReport
{
    internal MoeTrimmingReport(MoeModelInfo model, IReadOnlyList<MoeTrimmingResult> results)
    {
        Model = model;
        Results = results;
    }

    /// <summary>Gets the model's own expert counts (the untrimmed reference uses its <see cref="MoeModelInfo.ExpertUsedCount"/>).</summary>
    public MoeModelInfo Model { get; }

    /// <summary>Gets one result per experts-used value, in the order requested.</summary>
    public IReadOnlyList<MoeTrimmingResult> Results { get; }

    /// <summary>Gets the result for <paramref name="expertsUsed"/>.</summary>
    /// <param name="expertsUsed">The experts-used value.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="KeyNotFoundException">The value was not measured.</exception>
    public MoeTrimmingResult this[int expertsUsed]
        => Results.FirstOrDefault(r => r.ExpertsUsed == expertsUsed) ?? throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"{expertsUsed} experts were not measured."));

    /// <summary>Formats the report as a Markdown table.</summary>
    /// <returns>The table.</returns>
    public string ToMarkdown()
    {
        var reference = Results.FirstOrDefault(r => r.ExpertsUsed == Model.ExpertUsedCount)?.TokensPerSecond;
        var sb = new StringBuilder();
        sb.AppendLine("| Experts used | Tokens/s | Speed vs untrimmed | Top-1 agreement | Mean KL (nats) |");
        sb.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            var ratio = reference is > 0 ? (r.TokensPerSecond / reference.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.ExpertsUsed}{(r.ExpertsUsed == Model.ExpertUsedCount ? " (file)" : string.Empty)} | {r.TokensPerSecond:0.0} | {ratio} | {r.Top1Agreement:P1} | {r.MeanKlDivergence:G3} |");
        }

        return sb.ToString();
    }
}
