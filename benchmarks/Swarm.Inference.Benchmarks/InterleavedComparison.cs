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
    public static void Run(int rounds, string output, bool generation, string[] batchedModels, int threads = 1)
    {
        LlamaBackend.Initialize();
        var report = new StringBuilder();
        if (generation)
        {
            Generation(report, rounds);
        }

        if (batchedModels.Length > 0)
        {
            Batched(report, rounds, batchedModels, threads);
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

    private static void Batched(StringBuilder report, int rounds, string[] models, int threads)
    {
        report.AppendLine("# Batched decoder vs the same generations one after another, interleaved rounds");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Each sequence: 8-token prompt, greedy, N generated tokens; {(threads == 1 ? "one thread" : $"{threads} threads")} per decode; same decoder (16 slots). Speed-up = sequential time / batched time (median over rounds), by wall clock and by process CPU time (robust to the machine being shared when one thread decodes). Tok/s and the first two speed-ups are end to end (prompt processing included); the generation-phase speed-up compares only the time from first to last token (the sum over the sequential generations vs the batched span after every sequence has its first token), the figure llama.cpp's batched-bench reports as S_TG.");
        report.AppendLine();
        report.AppendLine("| Model | Sequences | Tokens each | Sequential tok/s | Batched tok/s | Speed-up, wall | Speed-up, CPU time | Generation phase speed-up, wall |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in models)
        {
            var small = name is "tiny" or "small";
            BatchedRounds(report, name, [1, 2, 4, 8, 16], small ? 16 : 32, small ? Math.Max(2, rounds / 8) : Math.Max(2, rounds / 16), threads);
        }
    }

    private static void BatchedRounds(StringBuilder report, string name, int[] counts, int tokens, int rounds, int threads)
    {
        using var model = LlamaModel.Load(Paths.Model(name));
        using var decoder = new LlamaBatchedDecoder(model, new LlamaBatchedDecoderOptions { MaxSequenceCount = 16, SequenceContextSize = 256, BatchSize = 256, ThreadCount = threads });
        var options = new LlamaGenerationOptions { MaxTokens = tokens, StopAtEndOfGeneration = false };
        foreach (var n in counts)
        {
            var prompts = Enumerable.Range(0, n).Select(i => Paths.Prompt(8).Select(t => t + i).ToArray()).ToArray();
            var wall = new List<double>();
            var cpu = new List<double>();
            var generation = new List<double>();
            var seqRates = new List<double>();
            var batRates = new List<double>();
            for (var r = 0; r < rounds + 1; r++)
            {
                // Sequential: one generation after another; its generation phase is the sum of each one's first-to-last token time.
                var sequentialGeneration = 0.0;
                var (sw, sc) = ProcessTime(() =>
                {
                    foreach (var p in prompts)
                    {
                        var (first, last) = Timed([decoder.Submit(p, options)]);
                        sequentialGeneration += last - first;
                    }
                });

                // Batched: all at once; its generation phase runs from the last sequence's first token to the last token.
                var batchedGeneration = 0.0;
                var (bw, bc) = ProcessTime(() =>
                {
                    var (first, last) = Timed(decoder.SubmitAll(prompts, options));
                    batchedGeneration = last - first;
                });
                if (r == 0)
                {
                    continue;
                }

                wall.Add(sw / bw);
                cpu.Add(sc / bc);
                generation.Add(sequentialGeneration / batchedGeneration);
                seqRates.Add(n * tokens / sw);
                batRates.Add(n * tokens / bw);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {n} | {tokens} | {Median(seqRates):F1} | {Median(batRates):F1} | {Median(wall):F2}× | {Median(cpu):F2}× | {Median(generation):F2}× |");
            Console.WriteLine(report.ToString().Split('\n')[^2]);
        }
    }

    /// <summary>Reads every sequence to its end; returns when the last of them produced its first token and when the last token came (seconds).</summary>
    private static (double LastFirstToken, double LastToken) Timed(IReadOnlyList<LlamaSequence> sequences)
    {
        var firsts = new double[sequences.Count];
        var lasts = new double[sequences.Count];
        var readers = sequences.Select(async (s, i) =>
        {
            var seen = false;
            await foreach (var token in s.ReadAllAsync().ConfigureAwait(false))
            {
                var t = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
                if (!seen)
                {
                    firsts[i] = t;
                    seen = true;
                }

                lasts[i] = t;
            }
        }).ToArray();
        Task.WaitAll(readers);
        return (firsts.Max(), lasts.Max());
    }

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
