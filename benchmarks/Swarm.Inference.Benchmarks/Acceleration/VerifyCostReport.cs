using System.Globalization;
using System.Text;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>Writes the measured verify-cost curve of a target beside the BenchmarkDotNet reports.</summary>
public static class VerifyCostReport
{
    public static void Write(string name, LlamaModel target, VerifyCostCurve curve, double draftStepSeconds)
    {
        var dir = System.IO.Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(dir);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# Verify-cost curve: {name}");
        sb.AppendLine();
        sb.AppendLine(c, $"Target: {target.Description}, {target.SizeInBytes / 1e6:0} MB of weights, {(AccelerationModels.Threads == 1 ? "one thread" : $"{AccelerationModels.Threads} threads")}. One-token decode: {curve.SingleTokenSeconds * 1e3:0.00} ms (median); draft step: {draftStepSeconds * 1e3:0.00} ms ({draftStepSeconds / curve.SingleTokenSeconds:0.000} of a target step).");
        sb.AppendLine();
        sb.AppendLine("| Tokens in batch | Cost vs 1 token |");
        sb.AppendLine("|---:|---:|");
        for (var n = 1; n <= curve.MaxBatchSize; n++)
        {
            sb.AppendLine(c, $"| {n} | {curve.GetRelativeCost(n):0.00} |");
        }

        File.WriteAllText(System.IO.Path.Combine(dir, $"verify-cost-{name}.md"), sb.ToString());
    }
}
