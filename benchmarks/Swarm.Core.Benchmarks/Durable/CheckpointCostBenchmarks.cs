using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

namespace Swarm.Core.Benchmarks.Durable;

/// <summary>
/// The cost of durable checkpoints: the 1,500-call swarm (100 agents x 15 tool calls) with no checkpoints (baseline), the
/// in-memory store, and the SQLite store (WAL; concurrent completions batched into one transaction), handed to the operating
/// system (synchronous=NORMAL, the default: survives process kills) or flushed to the disk (FlushToDisk, synchronous=FULL:
/// survives power loss). ToolMs is each tool call's latency: 0 (pure executor overhead, the worst case for checkpointing),
/// 1 ms (a fast local tool) or 10 ms (a process or network call; model calls take far longer).
/// </summary>
[MemoryDiagnoser]
public class CheckpointCostBenchmarks
{
    private readonly List<ServiceProvider> _providers = [];
    private string? _directory;
    private TaskGraph? _graph;
    private ISwarmExecutor? _none;
    private ISwarmExecutor? _memory;
    private ISwarmExecutor? _sqliteFull;
    private ISwarmExecutor? _sqliteNormal;

    [Params(0, 1, 10)]
    public int ToolMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "swarm-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _graph = BenchGraph.Swarm(100, 15, ToolMs).ToTaskGraph();
        _none = Create(o => o.EnableCheckpoints = false);
        _memory = Create(_ => { });
        _sqliteFull = Create(o =>
        {
            o.Checkpoints.Path = Path.Combine(_directory, "full.db");
            o.Checkpoints.FlushToDisk = true;
        });
        _sqliteNormal = Create(o => o.Checkpoints.Path = Path.Combine(_directory, "normal.db"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory!, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "No checkpoints")]
    public Task None() => _none!.RunAsync(_graph!);

    [Benchmark(Description = "In-memory store")]
    public Task InMemory() => _memory!.RunAsync(_graph!);

    [Benchmark(Description = "SQLite (default, NORMAL)")]
    public Task SqliteNormal() => _sqliteNormal!.RunAsync(_graph!);

    [Benchmark(Description = "SQLite, FlushToDisk (FULL)")]
    public Task SqliteFull() => _sqliteFull!.RunAsync(_graph!);

    private ISwarmExecutor Create(Action<SwarmOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSwarm(o =>
        {
            o.MaxParallelAgents = 100;
            o.MaxConcurrentToolCalls = 100;
            configure(o);
        })
        .AddTool(new NoopTool(null))
        .AddTool(new SleepTool(null));
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ISwarmExecutor>();
    }
}
