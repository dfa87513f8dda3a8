using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

namespace Swarm.Core.Benchmarks;

/// <summary>
/// Dependency-driven vs superstep scheduling with real step latency (Task.Delay): the 4-chain graph with a 50 ms chain,
/// the staggered graph (critical path 90 ms, superstep schedule 210 ms), and the 1,500-call swarm at 10 ms per call.
/// Baseline: the plain dependency-driven Task floor.
/// </summary>
[MemoryDiagnoser]
public class SchedulingBenchmarks
{
    private ServiceProvider? _services;
    private ISwarmExecutor? _executor;
    private TaskGraph? _taskGraph;
    private AfWorkflow? _workflow;
    private BenchGraph? _graph;

    [ParamsSource(nameof(Graphs))]
    public string Graph { get; set; } = "slowchain";

    public static IEnumerable<string> Graphs => ["slowchain", "staggered", "swarm100x15@10ms"];

    [GlobalSetup]
    public void Setup()
    {
        _graph = Graph switch
        {
            "slowchain" => BenchGraph.SlowChain(),
            "staggered" => BenchGraph.Staggered(),
            _ => BenchGraph.Swarm(100, 15, delayMs: 10),
        };
        _services = BenchGraph.CreateSwarm();
        _executor = _services.GetRequiredService<ISwarmExecutor>();
        _taskGraph = _graph.ToTaskGraph();
        _workflow = _graph.ToAgentFramework();
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();

    [Benchmark(Baseline = true, Description = "Task floor")]
    public Task TaskFloor() => _graph!.RunTaskFloorAsync(hop: false);

    [Benchmark(Description = "Swarm executor")]
    public Task Swarm() => _executor!.RunAsync(_taskGraph!);

    [Benchmark(Description = "Agent Framework 1.28")]
    public Task AgentFramework() => _workflow!.RunAsync();
}
