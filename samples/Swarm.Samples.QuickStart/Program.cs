using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Swarm;
using Swarm.Inference;
using Swarm.Inference.Models;

// Quick start: a goal as a graph — search, five summaries in parallel, one analysis — run by the Swarm executor on a
// local llama.cpp model. Nothing is downloaded: Swarm writes the model itself (a 104 MB llama-architecture GGUF with
// random weights, so its words are noise). What the run shows is real: llama.cpp loads and decodes the file, the five
// summary agents decode together through one batched context, and the report compares the critical path with the wall time.
// Bring a real model with:  bash eng/sample.sh /path/to/model.gguf
var modelPath = args.Length > 0
    ? args[0]
    : SyntheticModels.GetOrCreate(SyntheticModelSpec.Small with { Name = "quick-start", PrintableOutput = true });
Console.WriteLine($"Model: {modelPath}");

var services = new ServiceCollection();
services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddSwarm(o =>
    {
        o.MaxParallelAgents = 8;
        o.Roles.Add(new SwarmRole("researcher", "You find sources for a question and list them, one per line."));
        o.Roles.Add(new SwarmRole("summarizer", "You summarize one source in two sentences."));
        o.Roles.Add(new SwarmRole("analyst", "You compare summaries and draw a conclusion."));
    })
    .AddLlamaCpp(m =>
    {
        m.ModelPath = modelPath;
        m.MaxConcurrentSequences = 8;
        m.SequenceContextSize = 1024;
        m.DefaultMaxOutputTokens = 40;
    });
await using var provider = services.BuildServiceProvider();
var executor = provider.GetRequiredService<ISwarmExecutor>();

var graph = new TaskGraph
{
    Id = "quick-start",
    Goal = "What do recent papers say about parallel agent swarms?",
    Steps =
    [
        new TaskStep { Id = "search", Role = "researcher", Instruction = "Find five sources on parallel agent swarms." },
        .. Enumerable.Range(1, 5).Select(i => new TaskStep
        {
            Id = $"summary{i}",
            Role = "summarizer",
            Instruction = $"Summarize source {i}.",
            DependsOn = ["search"],
        }),
        new TaskStep
        {
            Id = "analysis",
            Role = "analyst",
            Instruction = "Compare the five summaries and conclude.",
            DependsOn = [.. Enumerable.Range(1, 5).Select(i => $"summary{i}")],
        },
    ],
};

SwarmRunResult? result = null;
await foreach (var e in executor.RunStreamingAsync(graph))
{
    Console.WriteLine(e);
    result = e.Result ?? result;
}

Console.WriteLine();
Console.WriteLine($"Run {result!.RunId}: {result.Status}");
Console.WriteLine($"Analysis (random weights, so noise): {result.GetOutput("analysis")}");
Console.WriteLine();
Console.WriteLine("Critical Steps report");
Console.WriteLine(result.Metrics.ToReport());

var tracePath = Path.Combine(Path.GetTempPath(), "swarm-quick-start.trace.json");
await File.WriteAllTextAsync(tracePath, ChromeTraceExporter.Export(result));
Console.WriteLine();
Console.WriteLine($"Trace (open in https://ui.perfetto.dev): {tracePath}");
return result.Succeeded ? 0 : 1;
