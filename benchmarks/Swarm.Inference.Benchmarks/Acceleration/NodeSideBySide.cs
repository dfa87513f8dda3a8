using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Swarm.Inference.Models;

namespace Swarm.Inference.Benchmarks.Acceleration;

/// <summary>
/// Swarm.Inference beside node-llama-cpp 3.22.1 (<c>benchmarks/node/side-by-side.mjs</c>) on the same GGUF files, the
/// same prompt token ids and the same llama.cpp build (the prebuilt libraries of <c>@node-llama-cpp/linux-x64@3.22.1</c>,
/// which <c>eng/setup.sh</c> extracts into <c>.native/llama</c>; the script checks the two copies are byte-identical):
/// plain greedy, draft-model speculation (theirs: <c>DraftSequenceTokenPredictor</c>) and input/prompt lookup (theirs:
/// <c>InputLookupTokenPredictor</c>). One decode thread on both sides. Rounds alternate node and Swarm (order swapped every
/// round); each measured generation starts from a cleared sequence (cold cache) after one warm-up generation; the report
/// gives medians over rounds and the ratio Swarm tok/s ÷ node tok/s. Run with <c>-- --node-side-by-side [rounds] [tokens]</c>.
/// </summary>
public static class NodeSideBySide
{
    /// <summary>The draft length both sides use (fixed: node's predictor waits for K drafted tokens, ours drafts K).</summary>
    public const int DraftLength = 8;

    /// <summary>The longest lookup draft on both sides.</summary>
    public const int LookupLength = 16;

    private sealed record Case(string Model, string Text, string TargetPath, string? DraftPath, string Prompt, string[] Modes);

    private sealed record Measurement(double TokensPerSecond, double GenerationTokensPerSecond, double Acceptance, int[] Output);

    public static void Run(int rounds, int tokens, string output)
    {
        LlamaBackend.Initialize();
        var root = Paths.RepositoryRoot;
        var nodeDir = Path.Combine(root, "benchmarks", "node");
        if (!File.Exists(Path.Combine(nodeDir, "node_modules", "node-llama-cpp", "package.json")))
        {
            throw new InvalidOperationException("node-llama-cpp is not installed: run `(cd benchmarks/node && npm install)` (npm registry; installs node-llama-cpp 3.22.1 and its prebuilt @node-llama-cpp/linux-x64 binaries only, no build or download by node-llama-cpp itself).");
        }

        var tinyDraft = SyntheticModelSpec.Tiny with { Name = "node-tiny-draft", Seed = 31 };
        var tinyPair = SyntheticModels.CreateDraftTargetPair(tinyDraft, extraTargetLayers: 1, divergence: 0.05f);
        var smallPair = AccelerationModels.Pair("compute-bound", 0.05f);
        var smallSuccessor = SyntheticModelSpec.Small with { Name = "node-small-successor", Weights = SyntheticWeights.Successor, ResidualScale = 0f };
        var cycle = new string(Enumerable.Range('/', 72).Select(c => (char)c).ToArray());
        var spurious = string.Concat(Enumerable.Range(0, 93).Select(i => (char)('!' + i)).Where(c => c != '}' && c != '~').Select(c => $"{c}{(char)(c + 1)}~")) + "AB";
        Case[] cases =
        [
            new("tiny (2 × 64 F32, 0.5 MB)", "free-form", AccelerationModels.Path(tinyPair.Target), AccelerationModels.Path(tinyPair.Draft), AccelerationModels.FreeFormPrompt, ["plain", "draft", "draft-defaults", "lookup"]),
            new("small (8 × 512 F32, 104 MB)", "free-form", AccelerationModels.Path(smallPair.Target), AccelerationModels.Path(smallPair.Draft), AccelerationModels.FreeFormPrompt, ["plain", "draft", "draft-defaults", "lookup"]),
            new("small successor (8 × 512 F32, 104 MB)", "copy-heavy", AccelerationModels.Path(smallSuccessor), null, cycle + " ./", ["plain", "lookup"]),
            new("small successor", "no repeats", AccelerationModels.Path(smallSuccessor), null, "ab", ["plain", "lookup"]),
            new("small successor", "spurious bigrams", AccelerationModels.Path(smallSuccessor), null, spurious, ["plain", "lookup"]),
        ];

        var report = new StringBuilder();
        report.AppendLine("# Swarm.Inference beside node-llama-cpp 3.22.1");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Greedy, one decode thread on both sides, {tokens} generated tokens from a cold sequence (prompt processing included), same GGUF files and prompt token ids; {rounds} rounds alternating node (`benchmarks/node/side-by-side.mjs`) and Swarm, each after one warm-up generation; tok/s columns are medians over rounds; *Ratio* = Swarm tok/s ÷ node tok/s (> 1: Swarm faster), the median of the per-round ratios (as are the other ratio columns; *vs its plain* = that library's mode ÷ its own plain decoding in the same round). *Gen ratio* excludes the prompt (time after the first token). Draft model, K = {DraftLength}: fixed on both sides (node: `DraftSequenceTokenPredictor` with minTokens = maxTokens = {DraftLength}, minConfidence 0; Swarm: `SpeculativeDecoder.Create`, `Adaptive = false`). Draft model, defaults: node's predictor defaults (minTokens 0 — the target does not wait for the draft —, maxTokens 16, minConfidence 0.6) against Swarm's (adaptive K from 4, at most 8, no confidence cut-off). Lookup: node `InputLookupTokenPredictor` (pattern ≥ 1 token, prediction ≤ {LookupLength}; looks only in its input tokens, given the prompt as `LlamaCompletion` does), Swarm `CreatePromptLookup` (n-grams 1…4, draft ≤ {LookupLength}, prompt and generated text, back-off on). *Acceptance*: node validated ÷ (validated + refuted), Swarm accepted ÷ drafted. *Same output*: both produced the same tokens.");
        report.AppendLine();
        string? libraries = null;
        var rows = new List<string>();
        foreach (var c in cases)
        {
            var promptTokens = TokenizePrompt(c.TargetPath, c.Prompt);
            var node = c.Modes.ToDictionary(m => m, _ => new List<Measurement>());
            var ours = c.Modes.ToDictionary(m => m, _ => new List<Measurement>());
            for (var r = 0; r < rounds; r++)
            {
                if (r % 2 == 0)
                {
                    RunNode(nodeDir, root, c, promptTokens, tokens, node, ref libraries);
                    RunOurs(c, promptTokens, tokens, ours);
                }
                else
                {
                    RunOurs(c, promptTokens, tokens, ours);
                    RunNode(nodeDir, root, c, promptTokens, tokens, node, ref libraries);
                }
            }

            foreach (var mode in c.Modes)
            {
                var n = node[mode];
                var o = ours[mode];
                var nRate = Median(n.Select(m => m.TokensPerSecond));
                var oRate = Median(o.Select(m => m.TokensPerSecond));

                // Ratios are medians of per-round ratios: each round's two sides ran back to back, so slow phases of the
                // shared machine cancel out better than in a ratio of medians.
                var ratio = Median(o.Zip(n, (a, b) => a.TokensPerSecond / b.TokensPerSecond));
                var genRatio = Median(o.Zip(n, (a, b) => a.GenerationTokensPerSecond / b.GenerationTokensPerSecond));
                var oVsPlain = Median(o.Zip(ours["plain"], (a, b) => a.TokensPerSecond / b.TokensPerSecond));
                var nVsPlain = Median(n.Zip(node["plain"], (a, b) => a.TokensPerSecond / b.TokensPerSecond));
                var same = n[^1].Output.SequenceEqual(o[^1].Output) ? "yes" : "no";
                rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {c.Model} | {c.Text} | {Name(mode)} | {oRate:0.0} | {nRate:0.0} | **{ratio:0.00}** | {genRatio:0.00} | {oVsPlain:0.00}× | {nVsPlain:0.00}× | {(mode == "plain" ? "–" : o[^1].Acceptance.ToString("0.00", CultureInfo.InvariantCulture))} | {(mode == "plain" ? "–" : n[^1].Acceptance.ToString("0.00", CultureInfo.InvariantCulture))} | {same} |"));
                Console.WriteLine(rows[^1]);
            }
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"Native libraries: {libraries ?? "not compared"}.");
        report.AppendLine();
        report.AppendLine("| Model | Text | Mode | Swarm tok/s | node tok/s | Ratio | Gen ratio | Swarm vs its plain | node vs its plain | Swarm acceptance | node acceptance | Same output |");
        report.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }

        File.WriteAllText(output, report.ToString());
        Console.WriteLine(report);
    }

    private static string Name(string mode) => mode switch
    {
        "draft" => "draft model, K = 8",
        "draft-defaults" => "draft model, each library's defaults",
        "lookup" => "input / prompt lookup",
        _ => "plain",
    };

    private static int[] TokenizePrompt(string path, string prompt)
    {
        using var model = LlamaModel.Load(path);
        return model.Vocab.Tokenize(prompt);
    }

    private static void RunNode(string nodeDir, string root, Case c, int[] prompt, int tokens, Dictionary<string, List<Measurement>> into, ref string? libraries)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = nodeDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            "side-by-side.mjs", "--model", c.TargetPath, "--prompt-tokens", string.Join(',', prompt), "--tokens", tokens.ToString(CultureInfo.InvariantCulture),
            "--modes", string.Join(',', c.Modes), "--runs", "1", "--threads", "1", "--draft-max", DraftLength.ToString(CultureInfo.InvariantCulture),
            "--draft-min", DraftLength.ToString(CultureInfo.InvariantCulture), "--lookup-max", LookupLength.ToString(CultureInfo.InvariantCulture),
            "--native-dir", Path.Combine(root, ".native", "llama"),
        })
        {
            start.ArgumentList.Add(a);
        }

        if (c.DraftPath is not null)
        {
            start.ArgumentList.Add("--draft");
            start.ArgumentList.Add(c.DraftPath);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started (install Node.js 20).");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"side-by-side.mjs failed ({process.ExitCode}): {stderr.Result}");
        }

        using var json = JsonDocument.Parse(stdout);
        var lib = json.RootElement.GetProperty("libraries");
        if (lib.ValueKind == JsonValueKind.Object)
        {
            libraries = lib.GetProperty("identical").GetBoolean()
                ? string.Create(CultureInfo.InvariantCulture, $"node-llama-cpp's {lib.GetProperty("libraries").GetInt32()} libllama/libggml libraries are byte-identical to `.native/llama` (sha256), llama.cpp {json.RootElement.GetProperty("llamaCppRelease").GetProperty("release").GetString()}")
                : "node-llama-cpp's libraries DIFFER from .native/llama: " + lib.GetProperty("differences").ToString();
        }

        foreach (var r in json.RootElement.GetProperty("results").EnumerateArray())
        {
            var outputTokens = r.GetProperty("output").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var count = r.GetProperty("tokens").GetInt32();
            into[r.GetProperty("mode").GetString()!].Add(new Measurement(
                count / r.GetProperty("medianSeconds").GetDouble(),
                (count - 1) / r.GetProperty("medianGenerationSeconds").GetDouble(),
                r.GetProperty("acceptance").GetDouble(),
                outputTokens));
        }
    }

    private static void RunOurs(Case c, int[] prompt, int tokens, Dictionary<string, List<Measurement>> into)
    {
        using var target = LlamaModel.Load(c.TargetPath);
        using var draft = c.DraftPath is not null && c.Modes.Any(m => m.StartsWith("draft", StringComparison.Ordinal)) ? LlamaModel.Load(c.DraftPath) : null;
        var generation = new LlamaGenerationOptions { MaxTokens = tokens, StopAtEndOfGeneration = false };
        foreach (var mode in c.Modes)
        {
            if (mode == "plain")
            {
                using var context = target.CreateContext(new LlamaContextOptions { ContextSize = 1024, BatchSize = 512, ThreadCount = 1 });
                _ = Plain(context, prompt, 4);
                into[mode].Add(Plain(context, prompt, tokens));
                continue;
            }

            var options = mode == "draft-defaults"
                ? new SpeculativeDecodingOptions { SequenceContextSize = 1024, ThreadCount = 1 }
                : new SpeculativeDecodingOptions { MaxDraftLength = mode == "draft" ? DraftLength : LookupLength, Adaptive = false, SequenceContextSize = 1024, ThreadCount = 1 };
            using var decoder = mode.StartsWith("draft", StringComparison.Ordinal)
                ? SpeculativeDecoder.Create(target, draft!, options)
                : SpeculativeDecoder.CreatePromptLookup(target, new PromptLookupOptions { MinNgramSize = 1, MaxNgramSize = 4, MaxDraftLength = LookupLength }, options);
            decoder.GenerateAsync(prompt, new LlamaGenerationOptions { MaxTokens = 4, StopAtEndOfGeneration = false }).GetAwaiter().GetResult();
            var start = Stopwatch.GetTimestamp();
            var result = decoder.GenerateAsync(prompt, generation).GetAwaiter().GetResult();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var generationSeconds = seconds - result.Report.PromptSeconds;

            // The first token comes out of the first verify step; count the generation phase like node's (after it).
            var firstStep = result.Report.VerifySteps == 0 ? 0 : result.Report.VerifySeconds / result.Report.VerifySteps;
            into[mode].Add(new Measurement(result.Tokens.Count / seconds, (result.Tokens.Count - 1) / Math.Max(1e-9, generationSeconds - firstStep), result.Report.AcceptanceRate, [.. result.Tokens]));
        }
    }

    private static Measurement Plain(LlamaContext context, int[] prompt, int tokens)
    {
        context.ClearMemory();
        var output = new List<int>(tokens);
        var start = Stopwatch.GetTimestamp();
        long first = 0;
        var enumerator = context.GenerateFromTokensAsync(prompt, new LlamaGenerationOptions { MaxTokens = tokens, StopAtEndOfGeneration = false }).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                if (output.Count == 0)
                {
                    first = Stopwatch.GetTimestamp();
                }

                output.Add(enumerator.Current.Token);
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var end = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        var generationSeconds = Stopwatch.GetElapsedTime(first, end).TotalSeconds;
        return new Measurement(output.Count / seconds, (output.Count - 1) / generationSeconds, 0, [.. output]);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
