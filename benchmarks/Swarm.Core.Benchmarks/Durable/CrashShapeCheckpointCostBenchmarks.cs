using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Swarm;

namespace Swarm.Core.Benchmarks.Durable;

/// <summary>
/// The cost of durable checkpoints on the crash test's swarm: 100 agents x 15 tool calls (chains), each call a no-op tool that
/// appends a line recording its execution to an append-only file (handed to the operating system per call, as a process kill
/// cannot lose it; the crash test also flushes each line to the disk). Baseline: no checkpoints; then the SQLite store,
/// handed to the operating system (synchronous=NORMAL, the default) or flushed to the disk (FlushToDisk, synchronous=FULL).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CheckpointCostCrashShapeBenchmarks
{
    private readonly List<ServiceProvider> _providers = [];
    private string? _directory;
    private TaskGraph? _graph;
    private RecordingTool? _tool;
    private ISwarmExecutor? _none;
    private ISwarmExecutor? _sqliteNormal;
    private ISwarmExecutor? _sqliteFull;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "swarm-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _tool = new RecordingTool(Path.Combine(_directory, "executions.log"));
        var steps = new List<TaskStep>(1500);
        for (var a = 0; a < 100; a++)
        {
            for (var c = 0; c < 15; c++)
            {
                steps.Add(new TaskStep
                {
                    Id = $"a{a:D3}-c{c:D2}",
                    Kind = StepKind.Tool,
                    Tool = "record",
                    Instruction = $"agent {a} call {c}",
                    DependsOn = c == 0 ? [] : [$"a{a:D3}-c{c - 1:D2}"],
                });
            }
        }

        _graph = new TaskGraph { Id = "crash-swarm", Goal = "100 agents x 15 tool calls", Steps = steps };
        _none = Create(o => o.EnableCheckpoints = false);
        _sqliteNormal = Create(o => o.Checkpoints.Path = Path.Combine(_directory, "normal.db"));
        _sqliteFull = Create(o =>
        {
            o.Checkpoints.Path = Path.Combine(_directory, "full.db");
            o.Checkpoints.FlushToDisk = true;
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _tool?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory!, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "No checkpoints")]
    public Task None() => _none!.RunAsync(_graph!);

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
            o.ValidateRoles = false;
            configure(o);
        })
        .AddTool(_tool!);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ISwarmExecutor>();
    }

    /// <summary>An idempotent no-op tool that appends "step, tool, epoch" to an append-only file per execution.</summary>
    private sealed class RecordingTool(string path) : ITool, IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096);
        private readonly Lock _gate = new();

        public string Name => "record";

        public bool IsIdempotent => true;

        public ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default)
        {
            var line = Encoding.UTF8.GetBytes(invocation.StepId + "\trecord\t0\n");
            lock (_gate)
            {
                _stream.Write(line);
                _stream.Flush();
            }

            return ValueTask.FromResult(ToolResult.Success(invocation.StepId.ToString(CultureInfo.InvariantCulture)));
        }

        public void Dispose() => _stream.Dispose();
    }
}
