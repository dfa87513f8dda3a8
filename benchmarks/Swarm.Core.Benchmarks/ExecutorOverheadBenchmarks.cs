using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

namespace Swarm.Core.Benchmarks;

/// <summary>
/// Executor overhead per node with no-op steps: a 1,000-step chain, a 100-wide fan-out/fan-in, and a 100-agent × 15-call swarm (1,500 calls).
/// Baseline: the plain dependency-driven Task floor (each step awaits its predecessors' tasks, inline). Divide Mean by the node count for µs per node.
/// </summary>
[MemoryDiagnoser]
public class ExecutorOverheadBenchmarks
{
    private ServiceProvider? _services;
    private ISwarmExecutor? _executor;
    private TaskGraph? _taskGraph;
    private AfWorkflow? _workflow;
    private BenchGraph? _graph;

    [ParamsSource(nameof(Graphs))]
    public string Graph { get; set; } = "chain1000";

    public static IEnumerable<string> Graphs => ["chain1000", "fanout100", "swarm100x15"];

    [GlobalSetup]
    public void Setup()
    {
        _graph = Graph switch
        {
            "chain1000" => BenchGraph.Chain(1000),
            "fanout100" => BenchGraph.FanOutIn(100),
            _ => BenchGraph.Swarm(100, 15),
        };
        _services = BenchGraph.CreateSwarm();
        _executor = _services.GetRequiredService<ISwarmExecutor>();
        _taskGraph = _graph.ToTaskGraph();
        _workflow = _graph.ToAgentFramework();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark(Baseline = true, Description = "Task floor (inline)")]
    public Task TaskFloor() => _graph!.RunTaskFloorAsync(hop: false);

    [Benchmark(Description = "Task floor (1 hop/node)")]
    public Task TaskFloorWithHop() => _graph!.RunTaskFloorAsync(hop: true);

    [Benchmark(Description = "Swarm executor")]
    public Task Swarm() => _executor!.RunAsync(_taskGraph!);

    [Benchmark(Description = "Agent Framework 1.28")]
    public Task AgentFramework() => _workflow!.RunAsync();
}
