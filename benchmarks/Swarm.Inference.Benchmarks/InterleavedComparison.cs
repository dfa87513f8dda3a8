using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Swarm.Inference.Benchmarks;

/// <summary>
/// A cross-check of <see cref="GenerationBenchmarks"/> that is robust on a shared, noisy machine: the C loop and the binding
/// alternate round by round on the same thread, and each round is timed in wall-clock and in thread CPU time; the report gives
/// the median of the per-round ratios. Run with <c>-- --interleaved [rounds]</c>.
/// </summary>
public static partial class InterleavedComparison
{
    public static void Run(int rounds, string output)
    {
        LlamaBackend.Initialize();
        var report = new StringBuilder();
        report.AppendLine("# Generation: binding vs plain C loop over llama.h, interleaved rounds");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Greedy, one thread, 16-token prompt + {GenerationBenchmarks.Tokens} generated tokens per round, same process, same libllama.v0.5.0.so and GGUF; {rounds} rounds, C and binding alternating (order swapped every round). Ratio = C time / binding time = binding tok/s ÷ C tok/s (≥ 1 means the binding is as fast).");
        report.AppendLine();
        report.AppendLine("| Model | C loop tok/s (median) | Binding tok/s (median) | Ratio, wall clock (median) | Ratio, thread CPU time (median) |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var name in new[] { "tiny", "small" })
        {
            var bench = new GenerationBenchmarks { Model = name };
            bench.Setup();
            var wallRatios = new List<double>();
            var cpuRatios = new List<double>();
            var cRates = new List<double>();
            var bRates = new List<double>();
            for (var r = 0; r < rounds + 2; r++)
            {
                double cWall, cCpu, bWall, bCpu;
                if (r % 2 == 0)
                {
                    (cWall, cCpu) = Time(() => bench.CLoopGenerate());
                    (bWall, bCpu) = Time(() => bench.BindingLoop());
                }
                else
                {
                    (bWall, bCpu) = Time(() => bench.BindingLoop());
                    (cWall, cCpu) = Time(() => bench.CLoopGenerate());
                }

                if (r < 2)
                {
                    continue; // warm-up
                }

                wallRatios.Add(cWall / bWall);
                cpuRatios.Add(cCpu / bCpu);
                cRates.Add(GenerationBenchmarks.Tokens / cWall);
                bRates.Add(GenerationBenchmarks.Tokens / bWall);
            }

            bench.Cleanup();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(cRates):F0} | {Median(bRates):F0} | {Median(wallRatios):F3} | {Median(cpuRatios):F3} |");
        }

        File.WriteAllText(output, report.ToString());
        Console.WriteLine(report);
    }

    private static (double Wall, double Cpu) Time(Action action)
    {
        var cpu0 = ThreadCpuSeconds();
        var start = Stopwatch.GetTimestamp();
        action();
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (wall, ThreadCpuSeconds() - cpu0);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double ThreadCpuSeconds()
    {
        const int ClockThreadCpuTimeId = 3;
        clock_gettime(ClockThreadCpuTimeId, out var ts);
        return ts.Seconds + (ts.Nanoseconds * 1e-9);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
