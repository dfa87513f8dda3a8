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
    public static void Run(int rounds, string output, bool generation, string[] batchedModels)
    {
        LlamaBackend.Initialize();
        var report = new StringBuilder();
        if (generation)
        {
            Generation(report, rounds);
        }

        if (batchedModels.Length > 0)
        {
            Batched(report, rounds, batchedModels);
        }

        File.WriteAllText(output, report.ToString());
        Console.WriteLine(report);
    }

    private static void Generation(StringBuilder report, int rounds)
    {
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
            var warmup = name == "tiny" ? 100 : 4; // past tiered JIT compilation of the managed loop
            for (var r = 0; r < rounds + warmup; r++)
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

                if (r < warmup)
                {
                    continue;
                }

                wallRatios.Add(cWall / bWall);
                cpuRatios.Add(cCpu / bCpu);
                cRates.Add(GenerationBenchmarks.Tokens / cWall);
                bRates.Add(GenerationBenchmarks.Tokens / bWall);
            }

            bench.Cleanup();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(cRates):F0} | {Median(bRates):F0} | {Median(wallRatios):F3} | {Median(cpuRatios):F3} |");
        }

        report.AppendLine();
    }

    private static void Batched(StringBuilder report, int rounds, string[] models)
    {
        report.AppendLine("# Batched decoder vs the same generations one after another, interleaved rounds");
        report.AppendLine();
        report.AppendLine("Each sequence: 8-token prompt, greedy, N generated tokens; one thread; same decoder (16 slots). Speed-up = sequential time / batched time (median over rounds), by wall clock and by process CPU time (robust to the machine being shared).");
        report.AppendLine();
        report.AppendLine("| Model | Sequences | Tokens each | Sequential tok/s | Batched tok/s | Speed-up, wall | Speed-up, CPU time |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var name in models)
        {
            var small = name is "tiny" or "small";
            BatchedRounds(report, name, small ? [1, 2, 4, 8, 16] : [1, 2, 4, 8, 16], small ? 16 : 8, small ? Math.Max(2, rounds / 8) : 2);
        }
    }

    private static void BatchedRounds(StringBuilder report, string name, int[] counts, int tokens, int rounds)
    {
        using var model = LlamaModel.Load(Paths.Model(name));
        using var decoder = new LlamaBatchedDecoder(model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 16, SequenceContextSize = 256, BatchSize = 256, ThreadCount = 1 });
        var options = new LlamaGenerationOptions { MaxTokens = tokens, StopAtEndOfGeneration = false };
        foreach (var n in counts)
        {
            var prompts = Enumerable.Range(0, n).Select(i => Paths.Prompt(8).Select(t => t + i).ToArray()).ToArray();
            var wall = new List<double>();
            var cpu = new List<double>();
            var seqRates = new List<double>();
            var batRates = new List<double>();
            for (var r = 0; r < rounds + 1; r++)
            {
                var (sw, sc) = ProcessTime(() =>
                {
                    foreach (var p in prompts)
                    {
                        Drain(decoder.Submit(p, options));
                    }
                });
                var (bw, bc) = ProcessTime(() =>
                {
                    foreach (var s in decoder.SubmitAll(prompts, options))
                    {
                        Drain(s);
                    }
                });
                if (r == 0)
                {
                    continue;
                }

                wall.Add(sw / bw);
                cpu.Add(sc / bc);
                seqRates.Add(n * tokens / sw);
                batRates.Add(n * tokens / bw);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {n} | {tokens} | {Median(seqRates):F1} | {Median(batRates):F1} | {Median(wall):F2}× | {Median(cpu):F2}× |");
            Console.WriteLine(report.ToString().Split('\n')[^2]);
        }
    }

    private static void Drain(LlamaSequence sequence) => sequence.Completion.GetAwaiter().GetResult();

    private static (double Wall, double Cpu) ProcessTime(Action action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        action();
        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
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
