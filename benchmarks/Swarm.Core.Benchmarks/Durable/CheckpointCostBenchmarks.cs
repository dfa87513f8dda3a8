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
/// The last two rows are the physical floor of the SQLite rows, measured in the same run: 1,500 inserts of rows the size of a
/// step's checkpoint (compact JSON) into a WAL file (synchronous=NORMAL) in one transaction through one prepared statement,
/// once as a Microsoft.Data.Sqlite command with parameters, once binding UTF-8 through SQLitePCL as the store does: no
/// executor, no serialization, no graph, one commit. A SQLite-checkpointed run cannot cost less than the second.
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
    private SqliteConnection? _floor;
    private SqliteCommand? _floorInsert;
    private string[] _floorRecords = [];
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
        _floorInsert?.Dispose();
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

    [Benchmark(Description = "SQLite floor, M.D.Sqlite command")]
    public void SqliteFloor()
    {
        var runId = Guid.NewGuid().ToString("N");
        using var transaction = _floor!.BeginTransaction(deferred: false);
        var insert = _floorInsert!;
        insert.Transaction = transaction;
        insert.Parameters[0].Value = runId;
        insert.Parameters[5].Value = 1_700_000_000_000L;
        for (var i = 0; i < _floorRecords.Length; i++)
        {
            insert.Parameters[1].Value = i + 1;
            insert.Parameters[2].Value = "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            insert.Parameters[3].Value = 2;
            insert.Parameters[4].Value = _floorRecords[i];
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [Benchmark(Description = "SQLite floor, UTF-8 binding as the store")]
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
        // The checkpoint table's shape, as the store creates it; rows the size of a compact step record.
        _floorRecords = [.. Enumerable.Range(0, 1500).Select(i =>
            $$"""{"stepId":"n{{i}}","dependsOn":["n{{i - 1}}"],"kind":"tool","role":"worker","status":"succeeded","attempts":1,"files":[],"startOffset":"00:00:00.0001234","duration":"00:00:00.0000123","workDuration":"00:00:00.0000100","spawnedSteps":[],"failures":[],"decisions":[]}""")];
        _floor = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory!, "floor.db"), Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        _floor.Open();
        using (var schema = _floor.CreateCommand())
        {
            schema.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " +
                "CREATE TABLE checkpoints(run_id TEXT NOT NULL, seq INTEGER NOT NULL, step_id TEXT NOT NULL, status INTEGER NOT NULL, record TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;";
            schema.ExecuteNonQuery();
        }

        _floorInsert = _floor.CreateCommand();
        _floorInsert.CommandText = "INSERT INTO checkpoints(run_id, seq, step_id, status, record, created_at) VALUES($run, $seq, $step, $status, $record, $at)";
        _floorInsert.Parameters.Add("$run", SqliteType.Text);
        _floorInsert.Parameters.Add("$seq", SqliteType.Integer);
        _floorInsert.Parameters.Add("$step", SqliteType.Text);
        _floorInsert.Parameters.Add("$status", SqliteType.Integer);
        _floorInsert.Parameters.Add("$record", SqliteType.Text);
        _floorInsert.Parameters.Add("$at", SqliteType.Integer);
        _floorInsert.Prepare();
        _floorRecordsUtf8 = [.. _floorRecords.Select(System.Text.Encoding.UTF8.GetBytes)];
        _floorStepIdsUtf8 = [.. Enumerable.Range(0, 1500).Select(i => System.Text.Encoding.UTF8.GetBytes("n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        if (raw.sqlite3_prepare_v2(_floor.Handle, "INSERT INTO checkpoints(run_id, seq, step_id, status, record, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", out _floorRaw) != raw.SQLITE_OK)
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
