using System.Diagnostics;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

namespace Swarm.Core.Benchmarks;

/// <summary>A DAG described once and run three ways: Swarm's executor, a plain dependency-driven Task floor, and Agent Framework Workflows.</summary>
public sealed class BenchGraph
{
    private BenchGraph(string name, int[][] dependsOn, int[] delayMs)
    {
        Name = name;
        DependsOn = dependsOn;
        DelayMs = delayMs;
        var dependents = new List<int>[dependsOn.Length];
        for (var i = 0; i < dependents.Length; i++)
        {
            dependents[i] = [];
        }

        for (var i = 0; i < dependsOn.Length; i++)
        {
            foreach (var d in dependsOn[i])
            {
                dependents[d].Add(i);
            }
        }

        Dependents = dependents.Select(d => d.ToArray()).ToArray();
        Sinks = Enumerable.Range(0, dependsOn.Length).Where(i => Dependents[i].Length == 0).ToArray();
    }

    public string Name { get; }

    public int Count => DependsOn.Length;

    public int[][] DependsOn { get; }

    public int[][] Dependents { get; }

    public int[] DelayMs { get; }

    public int[] Sinks { get; }

    public override string ToString() => Name;

    /// <summary>n steps, each depending on the one before.</summary>
    public static BenchGraph Chain(int n, int delayMs = 0) =>
        new($"chain{n}", [.. Enumerable.Range(0, n).Select(i => i == 0 ? Array.Empty<int>() : [i - 1])], Fill(n, delayMs));

    /// <summary>start → width parallel steps → sink.</summary>
    public static BenchGraph FanOutIn(int width, int delayMs = 0)
    {
        var deps = new int[width + 2][];
        deps[0] = [];
        for (var i = 1; i <= width; i++)
        {
            deps[i] = [0];
        }

        deps[width + 1] = [.. Enumerable.Range(1, width)];
        return new($"fanout{width}", deps, Fill(width + 2, delayMs));
    }

    /// <summary>agents independent agents, each a chain of calls tool calls (agents × calls steps).</summary>
    public static BenchGraph Swarm(int agents, int calls, int delayMs = 0)
    {
        var deps = new int[agents * calls][];
        for (var a = 0; a < agents; a++)
        {
            for (var c = 0; c < calls; c++)
            {
                deps[(a * calls) + c] = c == 0 ? [] : [(a * calls) + c - 1];
            }
        }

        return new($"swarm{agents}x{calls}", deps, Fill(agents * calls, delayMs));
    }

    /// <summary>start → 4 chains × 5 steps → a sink per chain; the delays are given per chain position.</summary>
    public static BenchGraph FourChains(string name, Func<int, int, int> delayMs)
    {
        var deps = new List<int[]> { Array.Empty<int>() };
        var delays = new List<int> { 0 };
        for (var chain = 0; chain < 4; chain++)
        {
            var previous = 0;
            for (var step = 0; step < 5; step++)
            {
                deps.Add([previous]);
                delays.Add(delayMs(chain, step));
                previous = deps.Count - 1;
            }

            deps.Add([previous]);
            delays.Add(0);
        }

        return new(name, [.. deps], [.. delays]);
    }

    /// <summary>Chain 0 at 50 ms per step, chains 1–3 at 10 ms.</summary>
    public static BenchGraph SlowChain() => FourChains("slowchain", (chain, _) => chain == 0 ? 50 : 10);

    /// <summary>Chain c has its single 50 ms step at position c; all other steps take 10 ms.</summary>
    public static BenchGraph Staggered() => FourChains("staggered", (chain, step) => step == chain ? 50 : 10);

    private static int[] Fill(int n, int value) => Enumerable.Repeat(value, n).ToArray();

    // ---- Swarm ----

    public TaskGraph ToTaskGraph()
    {
        var steps = new List<TaskStep>(Count);
        for (var i = 0; i < Count; i++)
        {
            steps.Add(new TaskStep
            {
                Id = "n" + i,
                Role = "worker",
                Kind = StepKind.Tool,
                Tool = DelayMs[i] > 0 ? "sleep" : "noop",
                Args = DelayMs[i] > 0 ? new Dictionary<string, string> { ["ms"] = DelayMs[i].ToString(System.Globalization.CultureInfo.InvariantCulture), ["node"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } : new Dictionary<string, string> { ["node"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                DependsOn = [.. DependsOn[i].Select(d => "n" + d)],
            });
        }

        return new TaskGraph { Id = Name, Goal = Name, Steps = steps };
    }

    public static ServiceProvider CreateSwarm(SinkClock? clock = null, bool checkpoints = true)
    {
        var services = new ServiceCollection();
        services.AddSwarm(o =>
        {
            o.MaxParallelAgents = 100;
            o.MaxConcurrentToolCalls = 100;
            o.EnableCheckpoints = checkpoints;
        })
        .AddTool(new NoopTool(clock))
        .AddTool(new SleepTool(clock));
        return services.BuildServiceProvider();
    }

    // ---- Plain Task floor: each step awaits its predecessors' tasks ----

    public Task RunTaskFloorAsync(bool hop, SinkClock? clock = null)
    {
        var tasks = new Task[Count];
        for (var i = 0; i < Count; i++)
        {
            tasks[i] = NodeAsync(i, tasks, hop, clock);
        }

        return Task.WhenAll(Sinks.Select(s => tasks[s]));
    }

    private async Task NodeAsync(int i, Task[] tasks, bool hop, SinkClock? clock)
    {
        foreach (var d in DependsOn[i])
        {
            await tasks[d];
        }

        if (hop)
        {
            await Task.Yield();
        }

        if (DelayMs[i] > 0)
        {
            await Task.Delay(DelayMs[i]);
        }

        clock?.Mark(i);
    }

    // ---- Agent Framework Workflows ----

    /// <summary>Builds the graph as an Agent Framework workflow: one function executor per node; single-input nodes by AddEdge, multi-input nodes by a fan-in barrier edge (the node counts its inputs and runs once).</summary>
    public AfWorkflow ToAgentFramework(SinkClock? clock = null)
    {
        var received = new int[Count];
        var executors = new ExecutorBinding[Count];
        for (var i = 0; i < Count; i++)
        {
            var node = i;
            var inputs = Math.Max(1, DependsOn[i].Length);
            var delay = DelayMs[i];
            var forward = Dependents[i].Length > 0;
            executors[i] = new FunctionExecutor<int>(
                "n" + i,
                async (message, context, cancellationToken) =>
                {
                    if (inputs > 1 && Interlocked.Increment(ref received[node]) < inputs)
                    {
                        return;
                    }

                    if (delay > 0)
                    {
                        await Task.Delay(delay, cancellationToken);
                    }

                    clock?.Mark(node);
                    if (forward)
                    {
                        await context.SendMessageAsync(message, cancellationToken: cancellationToken);
                    }
                },
                sentMessageTypes: [typeof(int)],
                declareCrossRunShareable: true);
        }

        var builder = new WorkflowBuilder(executors[0]);
        for (var i = 0; i < Count; i++)
        {
            var deps = DependsOn[i];
            if (deps.Length == 1)
            {
                builder.AddEdge(executors[deps[0]], executors[i]);
            }
            else if (deps.Length > 1)
            {
                builder.AddFanInBarrierEdge(deps.Select(d => executors[d]), executors[i]);
            }
        }

        // Several roots (the swarm graph): a start node fans out to them.
        var roots = Enumerable.Range(0, Count).Where(i => DependsOn[i].Length == 0).ToArray();
        if (roots.Length > 1)
        {
            var start = new FunctionExecutor<int>("start", (message, context, cancellationToken) => context.SendMessageAsync(message, cancellationToken: cancellationToken), sentMessageTypes: [typeof(int)], declareCrossRunShareable: true);
            builder = new WorkflowBuilder(start);
            builder.AddFanOutEdge(start, roots.Select(r => executors[r]));
            for (var i = 0; i < Count; i++)
            {
                var deps = DependsOn[i];
                if (deps.Length == 1)
                {
                    builder.AddEdge(executors[deps[0]], executors[i]);
                }
                else if (deps.Length > 1)
                {
                    builder.AddFanInBarrierEdge(deps.Select(d => executors[d]), executors[i]);
                }
            }
        }

        return new AfWorkflow(builder.Build(), received);
    }
}

/// <summary>An Agent Framework workflow with the per-run fan-in counters it needs reset between runs.</summary>
public sealed class AfWorkflow(Workflow workflow, int[] received)
{
    public Workflow Workflow { get; } = workflow;

    public async Task RunAsync()
    {
        Array.Clear(received);
        await using var run = await InProcessExecution.RunAsync(Workflow, 0);
    }
}

/// <summary>Records when each node finished, relative to the run's start.</summary>
public sealed class SinkClock(int nodes)
{
    private readonly double[] _finishedMs = new double[nodes];
    private long _start;

    public void Start()
    {
        Array.Clear(_finishedMs);
        _start = Stopwatch.GetTimestamp();
    }

    public void Mark(int node) => _finishedMs[node] = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

    public double this[int node] => _finishedMs[node];
}

internal sealed class NoopTool(SinkClock? clock) : ITool
{
    private static readonly ValueTask<ToolResult> Done = new(ToolResult.Success());

    public string Name => "noop";

    public bool IsIdempotent => true;

    public ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default)
    {
        if (clock is not null)
        {
            clock.Mark(int.Parse(invocation.Arguments["node"], System.Globalization.CultureInfo.InvariantCulture));
        }

        return Done;
    }
}

internal sealed class SleepTool(SinkClock? clock) : ITool
{
    public string Name => "sleep";

    public bool IsIdempotent => true;

    public async ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default)
    {
        await Task.Delay(int.Parse(invocation.Arguments["ms"], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        clock?.Mark(int.Parse(invocation.Arguments["node"], System.Globalization.CultureInfo.InvariantCulture));
        return ToolResult.Success();
    }
}
