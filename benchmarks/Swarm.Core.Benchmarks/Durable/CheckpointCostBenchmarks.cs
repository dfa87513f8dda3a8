using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SQLitePCL;
using Swarm;

namespace Swarm.Core.Benchmarks.Durable;

/// <summary>
/// The cost of durable checkpoints: the 1,500-call swarm (100 agents x 15 tool calls) with no checkpoints (baseline), the
/// in-memory store, and the SQLite store (WAL; concurrent completions batched into one transaction), handed to the operating
/// system (synchronous=NORMAL, the default: survives process kills) or flushed to the disk (FlushToDisk, synchronous=FULL:
/// survives power loss). ToolMs is each tool call's latency: 0 (pure executor overhead, the worst case for checkpointing),
/// 1 ms (a fast local tool) or 10 ms (a process or network call; model calls take far longer).
/// The last two rows are floors of the SQLite writes alone, measured in the same run (no executor, no serialization, no graph,
/// one commit into a WAL file, synchronous=NORMAL, UTF-8 bound through SQLitePCL as the store does): the schema v1 layout, one
/// row per step (1,500 inserts of compact step records), and the schema v2 layout, the same records as one row (what one
/// group commit of a run writes).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CheckpointCostBenchmarks
{
    private readonly List<ServiceProvider> _providers = [];
    private string? _directory;
    private TaskGraph? _graph;
    private ISwarmExecutor? _none;
    private ISwarmExecutor? _memory;
    private ISwarmExecutor? _sqliteFull;
    private ISwarmExecutor? _sqliteNormal;
    private SqliteConnection? _floor;
    private string[] _floorRecords = [];
    private byte[] _floorBatchUtf8 = [];
    private sqlite3_stmt? _floorBatch;
    private byte[][] _floorRecordsUtf8 = [];
    private byte[][] _floorStepIdsUtf8 = [];
    private sqlite3_stmt? _floorRaw;

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
        SetupFloor();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _floorRaw?.Dispose();
        _floorBatch?.Dispose();
        _floor?.Dispose();

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

    [Benchmark(Description = "Floor: the records as one row (v2)")]
    public void SqliteFloorOneRow()
    {
        var runId = System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("N"));
        using var transaction = _floor!.BeginTransaction(deferred: false);
        var statement = _floorBatch!;
        raw.sqlite3_bind_text(statement, 1, runId);
        raw.sqlite3_bind_int64(statement, 2, 1);
        raw.sqlite3_bind_int64(statement, 3, _floorRecordsUtf8.Length);
        raw.sqlite3_bind_int64(statement, 4, 1_700_000_000_000L);
        raw.sqlite3_bind_text(statement, 5, _floorBatchUtf8);
        if (raw.sqlite3_step(statement) != raw.SQLITE_DONE)
        {
            throw new InvalidOperationException(raw.sqlite3_errmsg(_floor.Handle).utf8_to_string());
        }

        raw.sqlite3_reset(statement);
        transaction.Commit();
    }

    [Benchmark(Description = "Floor: 1,500 rows (v1)")]
    public void SqliteFloorRaw()
    {
        var runId = System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("N"));
        using var transaction = _floor!.BeginTransaction(deferred: false);
        var statement = _floorRaw!;
        for (var i = 0; i < _floorRecordsUtf8.Length; i++)
        {
            raw.sqlite3_bind_text(statement, 1, runId);
            raw.sqlite3_bind_int64(statement, 2, i + 1);
            raw.sqlite3_bind_text(statement, 3, _floorStepIdsUtf8[i]);
            raw.sqlite3_bind_int64(statement, 4, 2);
            raw.sqlite3_bind_text(statement, 5, _floorRecordsUtf8[i]);
            raw.sqlite3_bind_int64(statement, 6, 1_700_000_000_000L);
            if (raw.sqlite3_step(statement) != raw.SQLITE_DONE)
            {
                throw new InvalidOperationException(raw.sqlite3_errmsg(_floor.Handle).utf8_to_string());
            }

            raw.sqlite3_reset(statement);
        }

        transaction.Commit();
    }

    private void SetupFloor()
    {
        // The checkpoint tables' shapes, as the store creates them; records as compact as the store writes them.
        _floorRecords = [.. Enumerable.Range(0, 1500).Select(i =>
            $$"""{"stepId":"n{{i}}","dependsOn":["n{{i - 1}}"],"kind":"tool","role":"worker","status":"succeeded","attempts":1,"startOffset":1234,"duration":123,"workDuration":100}""")];
        _floorBatchUtf8 = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(',', _floorRecords) + "]");
        _floor = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory!, "floor.db"), Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        _floor.Open();
        using (var schema = _floor.CreateCommand())
        {
            schema.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " +
                "CREATE TABLE checkpoints(run_id TEXT NOT NULL, seq INTEGER NOT NULL, step_id TEXT NOT NULL, status INTEGER NOT NULL, record TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;" +
                "CREATE TABLE step_batches(batch_id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, created_at INTEGER NOT NULL, records TEXT NOT NULL);" +
                "CREATE UNIQUE INDEX step_batches_run ON step_batches(run_id, first_seq);";
            schema.ExecuteNonQuery();
        }

        _floorRecordsUtf8 = [.. _floorRecords.Select(System.Text.Encoding.UTF8.GetBytes)];
        _floorStepIdsUtf8 = [.. Enumerable.Range(0, 1500).Select(i => System.Text.Encoding.UTF8.GetBytes("n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        if (raw.sqlite3_prepare_v2(_floor.Handle, "INSERT INTO checkpoints(run_id, seq, step_id, status, record, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", out _floorRaw) != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(raw.sqlite3_errmsg(_floor.Handle).utf8_to_string());
        }

        if (raw.sqlite3_prepare_v2(_floor.Handle, "INSERT INTO step_batches(run_id, first_seq, last_seq, created_at, records) VALUES(?1, ?2, ?3, ?4, ?5)", out _floorBatch) != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(raw.sqlite3_errmsg(_floor.Handle).utf8_to_string());
        }
    }

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
