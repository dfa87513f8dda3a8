using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

// Quick start: a goal as a graph — search, five summaries in parallel, one analysis — run by the Swarm executor.
// The chat client below is a tiny deterministic stand-in so the sample runs anywhere; swap in a real one
// (for example the local llama.cpp client from Swarm.Inference) with services.AddSingleton<IChatClient>(...).
var services = new ServiceCollection();
services.AddSingleton<IChatClient>(new DeterministicChatClient(TimeProvider.System));
services.AddSwarm(o =>
{
    o.MaxParallelAgents = 8;
    o.Roles.Add(new SwarmRole("researcher", "You find sources for a question and list them, one per line."));
    o.Roles.Add(new SwarmRole("summarizer", "You summarize one source in two sentences."));
    o.Roles.Add(new SwarmRole("analyst", "You compare summaries and draw a conclusion."));
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
Console.WriteLine($"Analysis: {result.GetOutput("analysis")}");
Console.WriteLine();
Console.WriteLine("Critical Steps report");
Console.WriteLine(result.Metrics.ToReport());

var tracePath = Path.Combine(Path.GetTempPath(), "swarm-quick-start.trace.json");
await File.WriteAllTextAsync(tracePath, ChromeTraceExporter.Export(result));
Console.WriteLine();
Console.WriteLine($"Trace (open in https://ui.perfetto.dev): {tracePath}");

/// <summary>A deterministic stand-in for a model: answers by role after a short, role-dependent delay.</summary>
internal sealed class DeterministicChatClient(TimeProvider timeProvider) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var system = list[0].Text;
        var prompt = list[^1].Text;
        var firstLine = prompt.Split('\n')[0];
        (string Text, int Milliseconds) answer = system switch
        {
            _ when system.StartsWith("You find sources", StringComparison.Ordinal) =>
                (string.Join("\n", Enumerable.Range(1, 5).Select(i => $"source {i}: a study of swarm scheduling #{i}")), 150),
            _ when system.StartsWith("You summarize", StringComparison.Ordinal) =>
                ($"{firstLine.TrimEnd('.')}: parallel sub-agents cut wall time when their work is independent.", 750),
            _ => ($"All five sources agree: dependency-driven parallelism shortens runs; {prompt.Split("## Input from step").Length - 1} summaries compared.", 500),
        };
        await Task.Delay(TimeSpan.FromMilliseconds(answer.Milliseconds), timeProvider, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer.Text));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
