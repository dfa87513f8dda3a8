using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

#pragma warning disable VSTHRD103 // SqliteDataReader's column reads (IsDBNull) are in-memory accesses of the current row.

namespace Swarm;

/// <summary>
/// The SQLite checkpoint store: one file in WAL mode. A single writer thread takes every write in the order it was queued and
/// group-commits whatever is queued while the previous commit ran in one transaction, so a thousand parallel completions cost a
/// handful of commits, not a thousand, and writes reach the disk in queue order (the file always holds a prefix of the queue).
/// The step records a commit carries for one run are one row (schema v2): a JSON array of compact records
/// (<see cref="StepRecordJson"/>) whose checkpoint sequences run from the row's <c>first_seq</c>, bound as UTF-8 to one prepared
/// statement, with each run's last sequence kept in memory by the writer. The <c>checkpoints</c> view lists them one per row.
/// </summary>
/// <remarks>Thread-safe. One store instance owns a file; a second process may read it, but only one should write a given run.</remarks>
internal sealed partial class SqliteCheckpointStore : IDurableCheckpointStore, IOrderedCheckpointQueue, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this code writes and reads.</summary>
    internal const int SchemaVersion = 4;

    private static readonly long TicksPerMillisecond = Stopwatch.Frequency / 1000;

    private readonly Channel<WriteOp> _writes = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly sqlite3_stmt _insertBatch;
    private readonly List<RunKey> _pendingRuns = [];
    private readonly sqlite3_stmt _insertRun;
    private readonly sqlite3_stmt _insertGraph;
    private readonly sqlite3_stmt _runExists;
    private readonly sqlite3_stmt _updateRun;
    private readonly SqliteCommand _lastSequence;
    private readonly Dictionary<string, RunKey> _sequences = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _maxBatch;
    private readonly long _commitDelay;
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly Thread _writerThread;
    private readonly Thread? _checkpointerThread;
    private readonly SemaphoreSlim _checkpointSignal = new(0);
    private readonly bool _flushToDisk;
    private readonly JsonbWriter _graphWriter = new(64 * 1024);
    private readonly GraphRowCache _graphs = new(capacity: 8);
    private long _walBytes;
    private long _walCheckpoints;
    private int _tailCheckpointDue;
    private int _checkpointerBusy;
    private int _roundsSinceTail;
    private long _tailCheckpoints;
    private int _disposed;

    // The time of the transaction being written (the writer's; read once per commit).
    private long _batchTime;

    // The run the writer looked up last: consecutive records of one run skip the dictionary.
    private string? _lastRunId;
    private RunKey? _lastRunKey;
    private long _batches;

    // Writes queued and not yet drained by the writer (producers add, the writer subtracts what it drains).
    private int _queued;

    // Writes queued that someone waits for: while there are any, the writer commits without gathering.
    private int _awaitedQueued;

    // Set while the writer sleeps for lack of writes: the next write wakes it.
    private int _writerIdle;

    private SqliteCheckpointStore(string connectionString, SqliteConnection writer, CheckpointOptions options, bool inMemory, TimeProvider timeProvider, ILogger logger)
    {
        _connectionString = connectionString;
        _writer = writer;
        _timeProvider = timeProvider;
        _logger = logger;
        _maxBatch = options.MaxBatchSize;
        _commitDelay = (long)(options.CommitDelay.TotalSeconds * Stopwatch.Frequency);
        _flushToDisk = options.FlushToDisk;
        // The two statements of the hot path bind UTF-8 spans straight into SQLite (no per-row strings, parameter objects or readers).
        _insertBatch = PrepareRaw(writer, "INSERT INTO step_batches(run_id, first_seq, last_seq, created_at, records) VALUES(?1, ?2, ?3, ?4, ?5)");
        _insertRun = PrepareRaw(writer, "INSERT INTO runs(run_id, graph_id, status, started_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5)");
        _insertGraph = PrepareRaw(writer, "INSERT INTO graphs(graph) VALUES(?1)");
        _runExists = PrepareRaw(writer, "SELECT 1 FROM runs WHERE run_id = ?1");
        _updateRun = PrepareRaw(writer, "UPDATE runs SET status = ?2, updated_at = ?3 WHERE run_id = ?1");
        _lastSequence = writer.CreateCommand();
        _lastSequence.CommandText = "SELECT COALESCE(MAX(last_seq), (SELECT COALESCE(base_through, 0) FROM runs WHERE run_id = $run), 0) FROM step_batches WHERE run_id = $run";
        _lastSequence.Parameters.Add("$run", SqliteType.Text);
        _lastSequence.Prepare();
        // A dedicated thread: its wake-up does not queue behind the run's work items on a busy thread pool.
        _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "Swarm checkpoint writer" };
        _writerThread.Start();
        if (!inMemory)
        {
            // SQLite's automatic WAL checkpoint runs inside the commit that crosses its threshold, copying the log into the
            // database and syncing it on the writer's time; this store checkpoints on a thread of its own instead.
            _checkpointerThread = new Thread(CheckpointerLoop) { IsBackground = true, Name = "Swarm checkpoint WAL checkpointer" };
            _checkpointerThread.Start();
        }
    }

    /// <summary>The bytes of records and graphs committed between two WAL checkpoints (about 1,000 pages, SQLite's automatic threshold).</summary>
    internal const long WalCheckpointBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the checkpoints after which a writer that was never idle copies the log's last frames anyway (16: a log of
    /// about 64 MB). The copy syncs the files and holds up the commits queued behind it (two file syncs, 25-35 ms on the test
    /// machine, in the middle of a run), so until then it waits for an idle moment.
    /// </summary>
    internal int ForcedTailRounds { get; set; } = 16;

    /// <summary>Gets or sets how long the writer must have had nothing to write before it copies the log's last frames.</summary>
    internal TimeSpan IdleBeforeTail { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets the number of times the writer copied the log's last frames so that the log could start again.</summary>
    public long TailCheckpoints => Interlocked.Read(ref _tailCheckpoints);

    /// <summary>Gets the number of runs that referenced the stored row of an equal graph instead of writing theirs (read once the writer is idle).</summary>
    internal long GraphRowsReused => _graphs.Hits;

    /// <summary>Gets the number of WAL checkpoints the checkpointer thread ran.</summary>
    public long WalCheckpoints => Interlocked.Read(ref _walCheckpoints);

    /// <summary>Gets the number of transactions the writer committed (a batch of concurrent writes is one).</summary>
    public long CommittedBatches => Interlocked.Read(ref _batches);

    /// <summary>Gets or sets a test hook the writer calls before each commit, on its thread (a test blocks it to freeze the file between queue and commit, as a crash would).</summary>
    internal Action? BeforeCommit { get; set; }

    /// <summary>Gets the file path, or <c>:memory:</c>.</summary>
    public string Path { get; private init; } = string.Empty;

    /// <summary>Opens (creating when missing) a checkpoint file and checks its schema.</summary>
    /// <param name="options">The options; <see cref="CheckpointOptions.Path"/> names the file, or <c>:memory:</c> for a private in-memory database.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CheckpointSchemaException">The file was written by a newer version of Swarm, or is not a Swarm checkpoint file.</exception>
    public static SqliteCheckpointStore Open(CheckpointOptions options, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Path);
        var inMemory = options.Path == ":memory:";
        var builder = inMemory
            ? new SqliteConnectionStringBuilder { DataSource = "swarm-" + Guid.NewGuid().ToString("N"), Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }
            : new SqliteConnectionStringBuilder { DataSource = System.IO.Path.GetFullPath(options.Path), Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        if (!inMemory && System.IO.Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = builder.ToString();
        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            if (!inMemory)
            {
                Execute(writer, "PRAGMA journal_mode=WAL;");

                // The checkpointer thread keeps the log short (see CheckpointerLoop); commits never checkpoint.
                Execute(writer, "PRAGMA wal_autocheckpoint=0;");
            }

            Execute(writer, options.FlushToDisk ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(writer, "PRAGMA busy_timeout=10000;");
            EnsureSchema(writer, builder.DataSource);
            return new SqliteCheckpointStore(connectionString, writer, options, inMemory, timeProvider, logger) { Path = inMemory ? ":memory:" : builder.DataSource };
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new CheckpointSchemaException($"The checkpoint file '{path}' has schema version {version}, written by a newer version of Swarm; this version reads schema versions up to {SchemaVersion}. Upgrade Swarm or use another file.")
            {
                FoundVersion = version,
                SupportedVersion = SchemaVersion,
            };
        }

        if (version == 0)
        {
            var tables = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table';"), CultureInfo.InvariantCulture);
            if (tables > 0)
            {
                throw new CheckpointSchemaException($"The file '{path}' is an SQLite database but not a Swarm checkpoint file (it has {tables} table(s) and no Swarm schema version). Use another file.")
                {
                    FoundVersion = 0,
                    SupportedVersion = SchemaVersion,
                };
            }
        }

        using var transaction = connection.BeginTransaction();
        for (var v = version + 1; v <= SchemaVersion; v++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[v - 1];
            command.ExecuteNonQuery();
        }

        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = "SELECT version FROM swarm_schema;";
            object? stored;
            try
            {
                stored = check.ExecuteScalar();
            }
            catch (SqliteException ex)
            {
                throw new CheckpointSchemaException($"The checkpoint file '{path}' claims schema version {version} but its schema table is missing or unreadable.", ex) { FoundVersion = version, SupportedVersion = SchemaVersion };
            }

            if (stored is null || Convert.ToInt32(stored, CultureInfo.InvariantCulture) != Math.Max(version, SchemaVersion))
            {
                throw new CheckpointSchemaException($"The checkpoint file '{path}' has inconsistent schema versions (user_version {version}, swarm_schema {stored ?? "none"}).") { FoundVersion = version, SupportedVersion = SchemaVersion };
            }
        }

        transaction.Commit();
    }

    /// <summary>Schema scripts: entry <c>i</c> upgrades version <c>i</c> to <c>i + 1</c>. Never edit a shipped entry; append.</summary>
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE swarm_schema(version INTEGER NOT NULL, written_by TEXT NOT NULL);
        INSERT INTO swarm_schema(version, written_by) VALUES(1, 'Swarm.Core');
        CREATE TABLE runs(
            run_id TEXT PRIMARY KEY,
            graph TEXT NOT NULL,
            status INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            parent_run_id TEXT NULL,
            parent_checkpoint INTEGER NULL,
            base_through INTEGER NULL,
            base_records TEXT NULL) WITHOUT ROWID;
        CREATE TABLE checkpoints(
            run_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            step_id TEXT NOT NULL,
            status INTEGER NOT NULL,
            record TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
        CREATE TABLE interrupts(
            run_id TEXT NOT NULL,
            interrupt_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            question TEXT NOT NULL,
            status INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NULL,
            answer TEXT NULL,
            answered_at INTEGER NULL,
            PRIMARY KEY(run_id, interrupt_id)) WITHOUT ROWID;
        CREATE INDEX interrupts_status ON interrupts(status, run_id);
        CREATE TABLE tool_calls(
            run_id TEXT NOT NULL,
            call_key TEXT NOT NULL,
            epoch TEXT NOT NULL,
            finished INTEGER NOT NULL,
            result TEXT NULL,
            PRIMARY KEY(run_id, call_key)) WITHOUT ROWID;
        CREATE TABLE step_cache(
            cache_key TEXT PRIMARY KEY,
            output TEXT NULL,
            files TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NULL) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """,
        """
        CREATE TABLE step_batches(
            batch_id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            records TEXT NOT NULL);
        CREATE UNIQUE INDEX step_batches_run ON step_batches(run_id, first_seq);
        INSERT INTO step_batches(run_id, first_seq, last_seq, created_at, records)
            SELECT run_id, seq, seq, created_at, '[' || record || ']' FROM checkpoints ORDER BY run_id, seq;
        DROP TABLE checkpoints;
        CREATE TABLE runs_v2(
            run_id TEXT NOT NULL PRIMARY KEY,
            graph TEXT NOT NULL,
            status INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            parent_run_id TEXT NULL,
            parent_checkpoint INTEGER NULL,
            base_through INTEGER NULL,
            base_records TEXT NULL);
        INSERT INTO runs_v2 SELECT run_id, graph, status, started_at, updated_at, parent_run_id, parent_checkpoint, base_through, base_records FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v2 RENAME TO runs;
        CREATE VIEW checkpoints AS
            SELECT b.run_id AS run_id, b.first_seq + j.key AS seq, json_extract(j.value, '$.stepId') AS step_id,
                CASE json_extract(j.value, '$.status') WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'succeeded' THEN 2
                    WHEN 'failed' THEN 3 WHEN 'skipped' THEN 4 WHEN 'canceled' THEN 5 END AS status,
                j.value AS record, b.created_at AS created_at
            FROM step_batches b, json_each(b.records) j;
        UPDATE swarm_schema SET version = 2;
        PRAGMA user_version = 2;
        """,
        """
        DROP VIEW checkpoints;
        CREATE VIEW checkpoints AS
            SELECT b.run_id AS run_id, b.first_seq + j.key AS seq,
                CASE j.type WHEN 'array' THEN j.value ->> 0 ELSE j.value ->> '$.stepId' END AS step_id,
                CASE j.type WHEN 'array' THEN j.value ->> 1 ELSE
                    CASE j.value ->> '$.status' WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'succeeded' THEN 2
                        WHEN 'failed' THEN 3 WHEN 'skipped' THEN 4 WHEN 'canceled' THEN 5 END END AS status,
                CASE j.type WHEN 'array' THEN json_patch(json_patch('{}', json_object(
                    'stepId', j.value ->> 0,
                    'dependsOn', json(j.value -> 9),
                    'kind', CASE j.value ->> 2 WHEN 0 THEN 'llm' WHEN 1 THEN 'tool' WHEN 2 THEN 'procedure' WHEN 3 THEN 'graph' END,
                    'role', j.value ->> 8,
                    'status', CASE j.value ->> 1 WHEN 0 THEN 'pending' WHEN 1 THEN 'running' WHEN 2 THEN 'succeeded'
                        WHEN 3 THEN 'failed' WHEN 4 THEN 'skipped' WHEN 5 THEN 'canceled' END,
                    'attempts', j.value ->> 3,
                    'output', j.value ->> 4,
                    'startOffset', j.value ->> 5,
                    'duration', j.value ->> 6,
                    'workDuration', j.value ->> 7)), coalesce(j.value -> 10, '{}')) ELSE j.value END AS record,
                b.created_at AS created_at
            FROM step_batches b, json_each(b.records) j;
        UPDATE swarm_schema SET version = 3;
        PRAGMA user_version = 3;
        """,
        """
        CREATE TABLE graphs(
            graph_id INTEGER PRIMARY KEY,
            graph TEXT NOT NULL);
        INSERT INTO graphs(graph_id, graph) SELECT rowid, graph FROM runs;
        CREATE TABLE runs_v4(
            run_id TEXT NOT NULL PRIMARY KEY,
            graph_id INTEGER NOT NULL REFERENCES graphs(graph_id),
            status INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            parent_run_id TEXT NULL,
            parent_checkpoint INTEGER NULL,
            base_through INTEGER NULL,
            base_records TEXT NULL);
        INSERT INTO runs_v4 SELECT run_id, rowid, status, started_at, updated_at, parent_run_id, parent_checkpoint, base_through, base_records FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v4 RENAME TO runs;
        UPDATE swarm_schema SET version = 4;
        PRAGMA user_version = 4;
        """,
    ];

    public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(state.RunId);
        return EnqueueAsync(new StartOp(this, state, ToUnix(_timeProvider.GetUtcNow()), callback: null, token: null), cancellationToken);
    }

    public void QueueStart(SwarmRunState state, ICheckpointCallback callback, object? token)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(state.RunId);
        ArgumentNullException.ThrowIfNull(callback);
        Queue(new StartOp(this, state, ToUnix(_timeProvider.GetUtcNow()), callback, token));
    }

    public ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(record);
        return EnqueueAsync(new StepOp(this, runId, StepRecordJsonb.Encode(record), callback: null, token: null), cancellationToken);
    }

    public void QueueStep(string runId, StepRecord record, ICheckpointCallback callback, object? token)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(callback);
        Queue(new StepOp(this, runId, StepRecordJsonb.Encode(record), callback, token));
    }

    /// <summary>Writes a run's start on the writer: a new run gets its graph and any records it starts with; a known run only its status.</summary>
    private void WriteStart(SqliteTransaction transaction, SwarmRunState state, long now)
    {
        var key = Key(state.RunId);
        Bind(_runExists, 1, key.Id);
        if (StepRawRow(_runExists))
        {
            UpdateRun(key, state.Status, now);
            return;
        }

        // A graph equal to one this writer stored shortly before (a pipeline run again) references its row: comparing the fields
        // costs a fraction of encoding the graph and writing it again (~0.1 ms and ~70 KB for 1,500 steps).
        if (!_graphs.TryGet(state.Graph, out var graphId))
        {
            // The graph goes to SQLite as JSONB from the writer's reused buffer: no large string or array per run. Encoded here,
            // on the writer: a task on the thread pool would queue behind the run's first steps.
            var graph = _graphWriter;
            graph.Reset();
            TaskGraphJsonb.Write(graph, state.Graph);
            BindBlob(_insertGraph, 1, graph.WrittenSpan);
            StepRaw(_insertGraph);
            graphId = raw.sqlite3_last_insert_rowid(_writer.Handle);
            _graphs.Remember(state.Graph, graphId);
        }

        Bind(_insertRun, 1, key.Id);
        Bind(_insertRun, 2, graphId);
        Bind(_insertRun, 3, (int)state.Status);
        Bind(_insertRun, 4, ToUnix(state.StartedAt == default ? _timeProvider.GetUtcNow() : state.StartedAt));
        Bind(_insertRun, 5, now);
        StepRaw(_insertRun);

        foreach (var record in state.Steps)
        {
            AppendStep(transaction, state.RunId, StepRecordJsonb.Encode(record), now);
        }
    }

    public ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return EnqueueAsync(new CompleteOp(this, runId, status, ToUnix(_timeProvider.GetUtcNow()), callback: null, token: null), cancellationToken);
    }

    public void QueueComplete(string runId, SwarmRunStatus status, ICheckpointCallback callback, object? token)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(callback);
        Queue(new CompleteOp(this, runId, status, ToUnix(_timeProvider.GetUtcNow()), callback, token));
    }

    /// <summary>Writes a run's final status on the writer (behind every record queued before) and forgets its cached sequence.</summary>
    private void WriteComplete(string runId, SwarmRunStatus status, long now)
    {
        var key = Key(runId);
        UpdateRun(key, status, now);

        // The writer's sequence cache holds live runs only; a later resume reads the last sequence back from the file.
        _sequences.Remove(runId);
        _lastRunId = null;
        key.Pending?.Dispose();
    }

    private void UpdateRun(RunKey key, SwarmRunStatus status, long now)
    {
        Bind(_updateRun, 1, key.Id);
        Bind(_updateRun, 2, (int)status);
        Bind(_updateRun, 3, now);
        StepRaw(_updateRun);
    }

    /// <summary>Records a fork: a new run whose state is a copy of another run's state at a checkpoint.</summary>
    public ValueTask ForkRunAsync(SwarmRunState state, string parentRunId, int parentCheckpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var graphWriter = new JsonbWriter(64 * 1024);
        TaskGraphJsonb.Write(graphWriter, state.Graph);
        var graph = graphWriter.WrittenSpan.ToArray();
        var records = state.Steps.Select(StepRecordJsonb.Encode).ToList();
        var now = ToUnix(_timeProvider.GetUtcNow());
        return EnqueueAsync(
            (connection, transaction) =>
            {
                NonQuery(
                    connection,
                    transaction,
                    "INSERT INTO graphs(graph) VALUES($graph); INSERT INTO runs(run_id, graph_id, status, started_at, updated_at, parent_run_id, parent_checkpoint) VALUES($run, last_insert_rowid(), $status, $at, $at, $parent, $checkpoint);",
                    ("$run", state.RunId),
                    ("$graph", graph),
                    ("$status", (int)SwarmRunStatus.Running),
                    ("$at", now),
                    ("$parent", parentRunId),
                    ("$checkpoint", parentCheckpoint));
                foreach (var json in records)
                {
                    AppendStep(transaction, state.RunId, json, now);
                }
            },
            cancellationToken);
    }

    public async ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return await LoadCoreAsync(runId, null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SwarmRunState?> LoadAtAsync(string runId, int checkpoint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint);
        return await LoadCoreAsync(runId, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SwarmRunState?> LoadCoreAsync(string runId, int? upTo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        SwarmRunState state;
        int? baseThrough;
        string? baseRecords;
        long updated;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT " + AsJsonText("g.graph") + ", r.status, r.started_at, r.updated_at, r.base_through, r.base_records FROM runs r JOIN graphs g ON g.graph_id = r.graph_id WHERE r.run_id = $run;";
            command.Parameters.AddWithValue("$run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            state = new SwarmRunState
            {
                RunId = runId,
                Graph = DeserializeGraph(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1), runId),
                Status = (SwarmRunStatus)reader.GetInt32(2),
                StartedAt = FromUnix(reader.GetInt64(3)),
            };
            updated = reader.GetInt64(4);
            baseThrough = reader.IsDBNull(5) ? null : reader.GetInt32(5);
            baseRecords = reader.IsDBNull(6) ? null : reader.GetString(6);
        }

        if (upTo is { } limit && baseThrough is { } compacted && limit < compacted)
        {
            throw new InvalidOperationException($"Checkpoint {limit} of run '{runId}' was compacted by retention; checkpoints {compacted} and later remain.");
        }

        var steps = new List<StepRecord>();
        if (baseRecords is not null)
        {
            steps.AddRange(JsonSerializer.Deserialize(baseRecords, DurableJsonContext.Default.ListStepRecord) ?? []);
        }

        var last = baseThrough ?? 0;
        await foreach (var (seq, record, createdAt) in ReadCheckpointsAsync(connection, runId, upTo ?? int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            last = seq;
            steps.Add(record);
            updated = Math.Max(updated, createdAt);
        }

        if (upTo is { } wanted && wanted > last)
        {
            throw new ArgumentOutOfRangeException(nameof(upTo), wanted, $"Run '{runId}' has {last} checkpoint(s); checkpoint {wanted} does not exist.");
        }

        state.Steps = steps;
        state.UpdatedAt = FromUnix(updated);
        return state;
    }

    public async ValueTask<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CheckpointInfo>();
        await foreach (var (seq, record, createdAt) in ReadCheckpointsAsync(connection, runId, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            list.Add(new CheckpointInfo
            {
                RunId = runId,
                Sequence = seq,
                StepId = record.StepId,
                Status = record.Status,
                CreatedAt = FromUnix(createdAt),
            });
        }

        return list;
    }

    /// <summary>Reads a run's checkpoints up to a sequence, in order, from its rows of records (one row per group commit).</summary>
    private static async IAsyncEnumerable<(int Sequence, StepRecord Record, long CreatedAt)> ReadCheckpointsAsync(
        SqliteConnection connection, string runId, int upTo, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT first_seq, " + AsJsonText("records") + ", created_at FROM step_batches WHERE run_id = $run AND first_seq <= $upTo ORDER BY first_seq;";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$upTo", upTo);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var first = reader.GetInt32(0);
            var records = DeserializeRecords(reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2), runId, first);
            var createdAt = reader.GetInt64(3);
            for (var i = 0; i < records.Count && first + i <= upTo; i++)
            {
                yield return (first + i, records[i], createdAt);
            }
        }
    }

    private static TaskGraph DeserializeGraph(string? json, bool positional, string runId)
    {
        if (json is null)
        {
            throw new CheckpointSchemaException($"The stored graph of run '{runId}' is not well-formed JSONB; the file was damaged or written by something other than Swarm.") { FoundVersion = SchemaVersion, SupportedVersion = SchemaVersion };
        }

        try
        {
            return positional
                ? TaskGraphJsonb.Read(Encoding.UTF8.GetBytes(json))
                : JsonSerializer.Deserialize(json, DurableJsonContext.Default.TaskGraph) ?? new TaskGraph();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointSchemaException($"The stored graph of run '{runId}' is not a valid task graph: {ex.Message}", ex) { FoundVersion = SchemaVersion, SupportedVersion = SchemaVersion };
        }
    }

    /// <summary>
    /// The two columns a read selects for a stored JSON value (a row's records, a run's graph): its JSON text — SQLite renders
    /// JSONB (schema v3) as text, null when it is not well-formed; a value written by schema v2 is JSON text already — and
    /// whether it was JSONB (then its fields go by position).
    /// </summary>
    private static string AsJsonText(string column) =>
        $"CASE WHEN typeof({column}) <> 'blob' THEN {column} WHEN json_valid({column}, 8) THEN json({column}) END, typeof({column}) = 'blob'";

    private static List<StepRecord> DeserializeRecords(string? json, bool positional, string runId, int firstSequence)
    {
        if (json is null)
        {
            throw new CheckpointSchemaException($"The checkpoint row of run '{runId}' starting at checkpoint {firstSequence} is not well-formed JSONB; the file was damaged or written by something other than Swarm.") { FoundVersion = SchemaVersion, SupportedVersion = SchemaVersion };
        }

        try
        {
            var records = positional
                ? StepRecordJsonb.ReadArray(Encoding.UTF8.GetBytes(json))
                : JsonSerializer.Deserialize(json, DurableJsonContext.Default.ListStepRecord)?.ConvertAll(r => r is null ? null! : StepRecordJson.Normalize(r));
            return records is { Count: > 0 } && !records.Contains(null!)
                ? records
                : throw new CheckpointSchemaException($"The checkpoint row of run '{runId}' starting at checkpoint {firstSequence} holds no step records.") { FoundVersion = SchemaVersion, SupportedVersion = SchemaVersion };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointSchemaException($"The checkpoint row of run '{runId}' starting at checkpoint {firstSequence} is not valid step-record JSON: {ex.Message}", ex) { FoundVersion = SchemaVersion, SupportedVersion = SchemaVersion };
        }
    }

    public async ValueTask<IReadOnlyList<string>> ListRunsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_id FROM runs ORDER BY started_at, run_id;";
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    public async ValueTask<SwarmInterrupt> AddInterruptAsync(SwarmInterrupt interrupt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        await EnqueueAsync(
            (connection, transaction) => NonQuery(
                connection,
                transaction,
                "INSERT OR IGNORE INTO interrupts(run_id, interrupt_id, step_id, question, status, created_at, expires_at) VALUES($run, $id, $step, $question, 0, $at, $expires);",
                ("$run", interrupt.RunId),
                ("$id", interrupt.InterruptId),
                ("$step", interrupt.StepId),
                ("$question", interrupt.Question),
                ("$at", ToUnix(interrupt.CreatedAt)),
                ("$expires", interrupt.ExpiresAt is { } e ? ToUnix(e) : null)),
            cancellationToken).ConfigureAwait(false);
        return (await GetInterruptAsync(interrupt.RunId, interrupt.InterruptId, cancellationToken).ConfigureAwait(false))!;
    }

    public async ValueTask<SwarmInterrupt?> GetInterruptAsync(string runId, string interruptId, CancellationToken cancellationToken)
    {
        var list = await QueryInterruptsAsync("WHERE run_id = $run AND interrupt_id = $id", [("$run", runId), ("$id", interruptId)], cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public async ValueTask<SwarmInterrupt?> AnswerInterruptAsync(string runId, string interruptId, string answer, DateTimeOffset answeredAt, InterruptStatus status, CancellationToken cancellationToken)
    {
        await EnqueueAsync(
            (connection, transaction) => NonQuery(
                connection,
                transaction,
                "UPDATE interrupts SET status = $status, answer = $answer, answered_at = $at WHERE run_id = $run AND interrupt_id = $id AND status = 0;",
                ("$run", runId),
                ("$id", interruptId),
                ("$status", (int)status),
                ("$answer", answer),
                ("$at", ToUnix(answeredAt))),
            cancellationToken).ConfigureAwait(false);
        return await GetInterruptAsync(runId, interruptId, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<SwarmInterrupt>> ListInterruptsAsync(string? runId, InterruptStatus? status, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)>();
        if (runId is not null)
        {
            where.Add("run_id = $run");
            parameters.Add(("$run", runId));
        }

        if (status is { } s)
        {
            where.Add("status = $status");
            parameters.Add(("$status", (int)s));
        }

        return QueryInterruptsAsync(where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where), [.. parameters], cancellationToken);
    }

    private async ValueTask<IReadOnlyList<SwarmInterrupt>> QueryInterruptsAsync(string where, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The WHERE clause is built from constants; values are parameters.
        command.CommandText = "SELECT run_id, interrupt_id, step_id, question, status, created_at, expires_at, answer, answered_at FROM interrupts " + where + " ORDER BY created_at, run_id, interrupt_id;";
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var list = new List<SwarmInterrupt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new SwarmInterrupt
            {
                RunId = reader.GetString(0),
                InterruptId = reader.GetString(1),
                StepId = reader.GetString(2),
                Question = reader.GetString(3),
                Status = (InterruptStatus)reader.GetInt32(4),
                CreatedAt = FromUnix(reader.GetInt64(5)),
                ExpiresAt = reader.IsDBNull(6) ? null : FromUnix(reader.GetInt64(6)),
                Answer = reader.IsDBNull(7) ? null : reader.GetString(7),
                AnsweredAt = reader.IsDBNull(8) ? null : FromUnix(reader.GetInt64(8)),
            });
        }

        return list;
    }

    public async ValueTask<ToolCallEntry?> GetToolCallAsync(string runId, string callKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT epoch, finished, result FROM tool_calls WHERE run_id = $run AND call_key = $key;";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$key", callKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ToolCallEntry(reader.GetString(0), reader.GetInt32(1) == 1, reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    public ValueTask BeginToolCallAsync(string runId, string callKey, string epoch, CancellationToken cancellationToken) =>
        EnqueueAsync(
            (connection, transaction) => NonQuery(connection, transaction, "INSERT OR REPLACE INTO tool_calls(run_id, call_key, epoch, finished, result) VALUES($run, $key, $epoch, 0, NULL);", ("$run", runId), ("$key", callKey), ("$epoch", epoch)),
            cancellationToken);

    public ValueTask ForgetToolCallAsync(string runId, string callKey, string epoch, CancellationToken cancellationToken) =>
        EnqueueAsync(
            (connection, transaction) => NonQuery(connection, transaction, "DELETE FROM tool_calls WHERE run_id = $run AND call_key = $key AND epoch = $epoch AND finished = 0;", ("$run", runId), ("$key", callKey), ("$epoch", epoch)),
            cancellationToken);

    public ValueTask EndToolCallAsync(string runId, string callKey, string epoch, string result, CancellationToken cancellationToken) =>
        EnqueueAsync(
            (connection, transaction) => NonQuery(connection, transaction, "UPDATE tool_calls SET finished = 1, result = $result WHERE run_id = $run AND call_key = $key AND epoch = $epoch;", ("$run", runId), ("$key", callKey), ("$epoch", epoch), ("$result", result)),
            cancellationToken);

    public async ValueTask<CachedStepOutput?> GetCachedAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT output, files, created_at, expires_at FROM step_cache WHERE cache_key = $key AND (expires_at IS NULL OR expires_at > $now);";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", ToUnix(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new CachedStepOutput(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            JsonSerializer.Deserialize(reader.GetString(1), DurableJsonContext.Default.ListString) ?? [],
            FromUnix(reader.GetInt64(2)),
            reader.IsDBNull(3) ? null : FromUnix(reader.GetInt64(3)));
    }

    public ValueTask PutCachedAsync(string key, CachedStepOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var files = JsonSerializer.Serialize([.. output.Files], DurableJsonContext.Default.ListString);
        return EnqueueAsync(
            (connection, transaction) => NonQuery(
                connection,
                transaction,
                "INSERT OR REPLACE INTO step_cache(cache_key, output, files, created_at, expires_at) VALUES($key, $output, $files, $at, $expires);",
                ("$key", key),
                ("$output", output.Output),
                ("$files", files),
                ("$at", ToUnix(output.CreatedAt)),
                ("$expires", output.ExpiresAt is { } e ? ToUnix(e) : null)),
            cancellationToken);
    }

    public async ValueTask<RetentionReport> PruneAsync(CheckpointRetention retention, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retention);
        RetentionReport? report = null;
        var nowUnix = ToUnix(now);
        await EnqueueAsync(
            (connection, transaction) =>
            {
                // Only finished runs without a pending interrupt can be removed by age. Compaction applies to every run: the base
                // state it folds old checkpoints into keeps each step's newest record, all that a resume or an answer needs.
                const string Finished = "status IN (1, 2, 3) AND NOT EXISTS (SELECT 1 FROM interrupts i WHERE i.run_id = runs.run_id AND i.status = 0)";
                var runsRemoved = 0;
                if (retention.MaxRunAge is { } age)
                {
                    var cutoff = ToUnix(now - age);
                    foreach (var table in RunTables)
                    {
#pragma warning disable CA2100 // Table names are constants.
                        NonQuery(connection, transaction, $"DELETE FROM {table} WHERE run_id IN (SELECT run_id FROM runs WHERE {Finished} AND updated_at < $cutoff);", ("$cutoff", cutoff));
#pragma warning restore CA2100
                    }

                    runsRemoved = NonQuery(connection, transaction, $"DELETE FROM runs WHERE {Finished} AND updated_at < $cutoff;", ("$cutoff", cutoff));
                    if (runsRemoved > 0)
                    {
                        // A graph row goes with the last run that references it (runs of an equal graph share one).
                        NonQuery(connection, transaction, "DELETE FROM graphs WHERE graph_id NOT IN (SELECT graph_id FROM runs);");
                    }
                }

                var compacted = 0;
                if (retention.KeepLastCheckpointsPerRun is { } keep)
                {
                    compacted = Compact(connection, transaction, keep);
                }

                var cacheRemoved = NonQuery(connection, transaction, "DELETE FROM step_cache WHERE expires_at IS NOT NULL AND expires_at <= $now;", ("$now", nowUnix));
                var toolCallsRemoved = NonQuery(connection, transaction, $"DELETE FROM tool_calls WHERE finished = 1 AND run_id IN (SELECT run_id FROM runs WHERE {Finished});");
                ForgetRuns();
                report = new RetentionReport { RunsRemoved = runsRemoved, CheckpointsCompacted = compacted, CacheEntriesRemoved = cacheRemoved, ToolCallsRemoved = toolCallsRemoved };
            },
            cancellationToken).ConfigureAwait(false);
        return report!;
    }

    private static readonly string[] RunTables = ["step_batches", "interrupts", "tool_calls"];

    private static int Compact(SqliteConnection connection, SqliteTransaction transaction, int keep)
    {
        var candidates = new List<(string RunId, int Cut)>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
#pragma warning disable CA2100 // Built from constants.
            command.CommandText = "SELECT run_id, (SELECT MAX(last_seq) FROM step_batches b WHERE b.run_id = runs.run_id) - $keep FROM runs;";
#pragma warning restore CA2100
            command.Parameters.AddWithValue("$keep", keep);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!reader.IsDBNull(1) && reader.GetInt32(1) > 0)
                {
                    candidates.Add((reader.GetString(0), reader.GetInt32(1)));
                }
            }
        }

        var total = 0;
        foreach (var (runId, cut) in candidates)
        {
            // Fold the checkpoints up to the cut into the run's base state: the newest record of each step survives.
            var records = new List<StepRecord>();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT base_records FROM runs WHERE run_id = $run;";
                command.Parameters.AddWithValue("$run", runId);
                if (command.ExecuteScalar() is string existing)
                {
                    records.AddRange(JsonSerializer.Deserialize(existing, DurableJsonContext.Default.ListStepRecord) ?? []);
                }
            }

            // Rows wholly at or before the cut are folded and deleted; a row across the cut keeps its tail from cut + 1.
            var straddling = new List<(long BatchId, List<StepRecord> Tail, long CreatedAt)>();
            var foldedRows = new List<long>();
            var removed = 0;
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT batch_id, first_seq, " + AsJsonText("records") + ", created_at FROM step_batches WHERE run_id = $run AND first_seq <= $cut ORDER BY first_seq;";
                command.Parameters.AddWithValue("$run", runId);
                command.Parameters.AddWithValue("$cut", cut);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var first = reader.GetInt32(1);
                    var batch = DeserializeRecords(reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetBoolean(3), runId, first);
                    var folded = Math.Min(batch.Count, cut - first + 1);
                    foreach (var record in batch.Take(folded))
                    {
                        records.RemoveAll(r => r.StepId == record.StepId);
                        records.Add(record);
                    }

                    removed += folded;
                    if (folded < batch.Count)
                    {
                        straddling.Add((reader.GetInt64(0), batch.GetRange(folded, batch.Count - folded), reader.GetInt64(4)));
                    }
                    else
                    {
                        foldedRows.Add(reader.GetInt64(0));
                    }
                }
            }

            foreach (var batchId in foldedRows)
            {
                NonQuery(connection, transaction, "DELETE FROM step_batches WHERE batch_id = $id;", ("$id", batchId));
            }

            foreach (var (batchId, tail, _) in straddling)
            {
                NonQuery(
                    connection,
                    transaction,
                    "UPDATE step_batches SET first_seq = $first, records = $records WHERE batch_id = $id;",
                    ("$id", batchId),
                    ("$first", cut + 1),
                    ("$records", JsonSerializer.Serialize(tail, DurableJsonContext.Default.ListStepRecord)));
            }
            NonQuery(
                connection,
                transaction,
                "UPDATE runs SET base_through = $cut, base_records = $records WHERE run_id = $run;",
                ("$run", runId),
                ("$cut", cut),
                ("$records", JsonSerializer.Serialize(records, DurableJsonContext.Default.ListStepRecord)));
            total += removed;
        }

        return total;
    }

    /// <summary>Appends a record (JSONB) to its run's row of this commit (written by <see cref="FlushPending"/>), numbering it after the run's last checkpoint.</summary>
    private void AppendStep(SqliteTransaction transaction, string runId, ReadOnlySpan<byte> record, long now)
    {
        // Only the writer thread appends, so the next sequence number of a run is known without a subquery per record.
        var run = Key(runId);
        if (run.Last < 0)
        {
            _lastSequence.Transaction = transaction;
            _lastSequence.Parameters[0].Value = runId;
            run.Last = Convert.ToInt64(_lastSequence.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var pending = run.Pending ??= new PooledBufferWriter(16 * 1024);
        if (run.PendingCount == 0)
        {
            run.PendingFirst = run.Last + 1;
            run.PendingCreatedAt = now;
            _pendingRuns.Add(run);

            // Room for the header of the row's JSONB array, whose size is known when the row is written.
            pending.GetSpan(JsonbWriter.ReservedHeader);
            pending.Advance(JsonbWriter.ReservedHeader);
        }

        record.CopyTo(pending.GetSpan(record.Length));
        pending.Advance(record.Length);
        run.PendingCount++;
        run.Last++;
    }

    /// <summary>Inserts each run's row of the records appended since the last flush (one row per run per commit).</summary>
    private void FlushPending()
    {
        foreach (var run in _pendingRuns)
        {
            var pending = run.Pending!;
            var row = pending.Written;
            var start = JsonbWriter.WriteArrayHeaderBefore(row[..JsonbWriter.ReservedHeader], row.Length - JsonbWriter.ReservedHeader);
            Bind(_insertBatch, 1, run.Id);
            Bind(_insertBatch, 2, run.PendingFirst);
            Bind(_insertBatch, 3, run.PendingFirst + run.PendingCount - 1);
            Bind(_insertBatch, 4, run.PendingCreatedAt);
            BindBlob(_insertBatch, 5, row[start..]);
            StepRaw(_insertBatch);
            run.ResetPending();
        }

        _pendingRuns.Clear();
    }

    /// <summary>Drops records appended but not written (their transaction failed; the sequence cache is cleared with them).</summary>
    private void DiscardPending()
    {
        foreach (var run in _pendingRuns)
        {
            run.ResetPending();
        }

        _pendingRuns.Clear();
    }

    /// <summary>The writer's cached state of a run: its id in UTF-8 and its last checkpoint sequence (-1: not read yet).</summary>
    private RunKey Key(string runId)
    {
        if (ReferenceEquals(runId, _lastRunId))
        {
            return _lastRunKey!;
        }

        if (!_sequences.TryGetValue(runId, out var key))
        {
            if (_sequences.Count >= 4096 && _pendingRuns.Count == 0)
            {
                // Only the runs' state: the graph rows the writer remembers are still in the file.
                _sequences.Clear();
            }

            key = new RunKey(Encoding.UTF8.GetBytes(runId));
            _sequences[runId] = key;
        }

        _lastRunId = runId;
        _lastRunKey = key;
        return key;
    }

    /// <summary>Drops the writer's cached state of every run and the graph rows it remembers (after a failed commit, or after retention deleted rows).</summary>
    private void ForgetRuns()
    {
        _graphs.Clear();
        _sequences.Clear();
        _lastRunId = null;
        _lastRunKey = null;
    }

    private static sqlite3_stmt PrepareRaw(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            throw new SqliteException($"SQLite could not prepare '{sql}': {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
        }

        return statement;
    }

    private void Bind(sqlite3_stmt statement, int index, ReadOnlySpan<byte> utf8)
    {
        _walBytes += utf8.Length;
        Check(raw.sqlite3_bind_text(statement, index, utf8));
    }

    private void BindBlob(sqlite3_stmt statement, int index, ReadOnlySpan<byte> blob)
    {
        _walBytes += blob.Length;
        Check(raw.sqlite3_bind_blob(statement, index, blob));
    }

    private void Bind(sqlite3_stmt statement, int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {rc}: {raw.sqlite3_errmsg(_writer.Handle).utf8_to_string()}", rc);
        }
    }

    /// <summary>Steps a one-row query: <see langword="true"/> when it returned a row.</summary>
    private bool StepRawRow(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        var message = rc is raw.SQLITE_ROW or raw.SQLITE_DONE ? null : raw.sqlite3_errmsg(_writer.Handle).utf8_to_string();
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
        return rc switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            _ => throw new SqliteException($"SQLite error {rc}: {message}", rc),
        };
    }

    private void StepRaw(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        var message = rc == raw.SQLITE_DONE ? null : raw.sqlite3_errmsg(_writer.Handle).utf8_to_string();
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
        if (rc != raw.SQLITE_DONE)
        {
            throw new SqliteException($"SQLite error {rc}: {message}", rc);
        }
    }

    private ValueTask EnqueueAsync(Action<SqliteConnection, SqliteTransaction> write, CancellationToken cancellationToken) =>
        EnqueueAsync(new ActionOp(_writer, write), cancellationToken);

    private async ValueTask EnqueueAsync(WriteOp op, CancellationToken cancellationToken)
    {
        Queue(op);

        // The write is durable once this completes; cancellation stops the wait, not a write already queued.
        await op.Done.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Queue(WriteOp op)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(op), this);

        // The writer is woken straight from here, never through the thread pool: on a busy pool a wake-up queued there waits
        // behind the run's own work items (the writer then slept through a whole 1,500-step run and committed it at the end).
        var queued = Interlocked.Increment(ref _queued);
        if (op.CommitsAtOnce)
        {
            Interlocked.Increment(ref _awaitedQueued);
            _wake.Set();
        }
        else if (queued == _maxBatch || Volatile.Read(ref _writerIdle) != 0)
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// The writer: waits for a first write, gathers the writes queued within <see cref="CheckpointOptions.CommitDelay"/> after it
    /// (less when a batch fills up or a write is awaited), commits them in one transaction, in queue order, and goes on.
    /// </summary>
    /// <remarks>
    /// The waits use the monotonic clock, not the store's <see cref="TimeProvider"/>: they only pace the writer, and a frozen test
    /// clock must not hold checkpoints back.
    /// </remarks>
    private void WriterLoop()
    {
        var batch = new List<WriteOp>(_maxBatch);
        var reader = _writes.Reader;
        while (true)
        {
            if (Volatile.Read(ref _queued) <= 0)
            {
                if (reader.Completion.IsCompleted)
                {
                    break;
                }

                WaitIdle(reader);
                continue;
            }

            Gather();
            Drain(reader, batch);
            Interlocked.Add(ref _queued, -batch.Count);
            if (batch.Count == 0)
            {
                continue;
            }

            if (Volatile.Read(ref _tailCheckpointDue) != 0 && Volatile.Read(ref _roundsSinceTail) >= ForcedTailRounds)
            {
                // Never idle for this many checkpoints: start the log again now, or it grows for as long as the writes go on.
                TryCheckpointTail();
            }

            BeforeCommit?.Invoke();
            CommitOrRetry(batch);
            batch.Clear();
        }
    }

    /// <summary>Sleeps until a write is queued or the store closes; after <see cref="IdleBeforeTail"/> idle, copies the log's tail if due.</summary>
    private void WaitIdle(ChannelReader<WriteOp> reader)
    {
        _wake.Reset();

        // Full fence: a producer that queued before this either sees the flag and wakes the writer, or its count is seen below.
        Interlocked.Exchange(ref _writerIdle, 1);
        if (Volatile.Read(ref _queued) <= 0 && !reader.Completion.IsCompleted)
        {
            if (Volatile.Read(ref _tailCheckpointDue) != 0)
            {
                // Idle for a while: the moment to let the log start again (the copy syncs the files; no commit waits behind it).
                // Not at once: between short runs back to back an idle writer is busy again within a millisecond.
                if (!_wake.Wait(IdleBeforeTail))
                {
                    TryCheckpointTail();
                }
            }
            else
            {
                _wake.Wait();
            }
        }

        Volatile.Write(ref _writerIdle, 0);
    }

    /// <summary>
    /// Waits up to the commit delay for more writes to join the first one, so that one transaction holds many completions
    /// (each commit rewrites the table and index pages it touches). Ends early when a write is awaited, the batch is full, or
    /// the store closes.
    /// </summary>
    private void Gather()
    {
        if (_commitDelay <= 0)
        {
            return;
        }

        var deadline = Stopwatch.GetTimestamp() + _commitDelay;
        while (true)
        {
            _wake.Reset();
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _awaitedQueued) > 0 || Volatile.Read(ref _queued) >= _maxBatch || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return;
            }

            // Whole milliseconds (the wait's resolution), rounded up: never a busy loop of zero-length waits.
            _wake.Wait((int)Math.Min(int.MaxValue, (left + TicksPerMillisecond - 1) / TicksPerMillisecond));
        }
    }

    private void Drain(ChannelReader<WriteOp> reader, List<WriteOp> batch)
    {
        var awaited = 0;
        while (batch.Count < _maxBatch && reader.TryRead(out var op))
        {
            batch.Add(op);
            awaited += op.CommitsAtOnce ? 1 : 0;
        }

        if (awaited > 0)
        {
            Interlocked.Add(ref _awaitedQueued, -awaited);
        }
    }

    private void CommitOrRetry(List<WriteOp> batch)
    {
        try
        {
            CommitBatch(batch);
        }
#pragma warning disable CA1031 // A failed batch is retried one write at a time so one bad write fails alone; every waiter gets its outcome.
        catch (Exception batchFault)
#pragma warning restore CA1031
        {
            Log.CheckpointBatchFailed(_logger, batchFault, batch.Count);
            ForgetRuns();
            foreach (var op in batch)
            {
                try
                {
                    CommitBatch([op]);
                }
#pragma warning disable CA1031 // The fault goes to the waiter.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    ForgetRuns();
                    op.Complete(ex);
                    continue;
                }

                op.Complete(null);
            }

            return;
        }

        // In queue order: a callback for a later write never runs before one for an earlier write.
        foreach (var op in batch)
        {
            op.Complete(null);
        }

        SignalCheckpointer();
    }

    /// <summary>After a commit: wakes the checkpointer once about <see cref="WalCheckpointBytes"/> went into the log since it last ran.</summary>
    private void SignalCheckpointer()
    {
        // A commit writes at least the pages it touched besides the bytes bound (index and table pages): count a page for it.
        _walBytes += 4096;
        // Not while a checkpoint runs: one started right after another never finds the log wholly copied, and the writer's
        // tail copy (which lets the log start again) would find the checkpoint lock taken every time.
        if (_walBytes >= WalCheckpointBytes && _checkpointerThread is not null && Interlocked.CompareExchange(ref _checkpointerBusy, 1, 0) == 0)
        {
            _walBytes = 0;
            _checkpointSignal.Release();
        }
    }

    /// <summary>
    /// Copies the log into the database on a connection of its own (PASSIVE: it never blocks the writer, which keeps appending
    /// while it runs), and syncs the database file as the durability setting asks. A commit is durable in the log before this
    /// runs; a crash in the middle leaves a log that SQLite replays on the next open.
    /// </summary>
    private void CheckpointerLoop()
    {
        using var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, _flushToDisk ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(connection, "PRAGMA busy_timeout=10000;");
        }
#pragma warning disable CA1031 // Without the checkpointer the log only grows until the store closes; the writer goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WalCheckpointFailed(_logger, ex);
            return;
        }

        while (true)
        {
            _checkpointSignal.Wait();
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            try
            {
                Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
                Interlocked.Increment(ref _walCheckpoints);
                Interlocked.Increment(ref _roundsSinceTail);
                Volatile.Write(ref _tailCheckpointDue, 1);
                // A writer already idle is waiting for writes only: wake it, so that it starts counting its idle time.
                _wake.Set();
            }
#pragma warning disable CA1031 // A failed checkpoint is retried at the next signal; the log stays valid meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.WalCheckpointFailed(_logger, ex);
            }
            finally
            {
                Volatile.Write(ref _checkpointerBusy, 0);
            }
        }
    }

    private void TryCheckpointTail()
    {
        // Cleared before the copy: a checkpoint finishing meanwhile asks again.
        Volatile.Write(ref _tailCheckpointDue, 0);
        if (CheckpointTail())
        {
            Volatile.Write(ref _roundsSinceTail, 0);
            Interlocked.Increment(ref _tailCheckpoints);
        }
        else
        {
            Volatile.Write(ref _tailCheckpointDue, 1);
        }
    }

    /// <summary>
    /// On the writer, between transactions: copies the frames appended while the checkpointer ran (a few pages), so the log is
    /// wholly in the database and the next transaction writes the log from its start again instead of growing it.
    /// </summary>
    /// <returns><see langword="false"/> to try again after the next batch: another connection held the checkpoint lock. A
    /// reader of an older snapshot keeps the frames after it in the log; that is not retried (the next checkpoint asks again).</returns>
    private bool CheckpointTail()
    {
        try
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            // One row: busy (1 when another connection held the checkpoint lock), frames in the log, frames copied.
            return !reader.Read() || reader.GetInt64(0) == 0;
        }
#pragma warning disable CA1031 // The log stays valid; it is only longer until the next try.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WalCheckpointFailed(_logger, ex);
            return false;
        }
    }

    private void StopCheckpointer()
    {
        if (_checkpointerThread is not null)
        {
            _checkpointSignal.Release();
            _checkpointerThread.Join();
        }

        _checkpointSignal.Dispose();
    }

    private void CommitBatch(List<WriteOp> batch)
    {
        _batchTime = ToUnix(_timeProvider.GetUtcNow());
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            foreach (var op in batch)
            {
                if (op is not StepOp)
                {
                    // Records appended so far are written before any other write sees or changes the run (queue order).
                    FlushPending();
                }

                op.Write(transaction);
            }

            FlushPending();
            transaction.Commit();
        }
        catch
        {
            DiscardPending();
            throw;
        }

        Interlocked.Increment(ref _batches);
    }

    private async ValueTask<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command.ExecuteScalar();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, transaction: null, sql, []);
        command.ExecuteNonQuery();
    }

    private static int NonQuery(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constant SQL; values are parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static long ToUnix(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnix(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        _wake.Set();
        await Task.Run(_writerThread.Join).ConfigureAwait(false);
        _wake.Dispose();
        await Task.Run(StopCheckpointer).ConfigureAwait(false);
        DisposeWriterState();

        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        _wake.Set();
        _writerThread.Join();
        _wake.Dispose();
        StopCheckpointer();
        DisposeWriterState();

        _writer.Dispose();
    }

    /// <summary>Releases the writer's statements and buffers, once its thread has stopped.</summary>
    private void DisposeWriterState()
    {
        _insertBatch.Dispose();
        DisposePendingBuffers();
        _insertRun.Dispose();
        _insertGraph.Dispose();
        _runExists.Dispose();
        _updateRun.Dispose();
        _lastSequence.Dispose();
    }

    /// <summary>One queued write: run on the writer inside a transaction, then completed (a waiter's task or a callback) once committed.</summary>
    private abstract class WriteOp
    {
        private readonly ICheckpointCallback? _callback;
        private readonly object? _token;
        private readonly TaskCompletionSource? _done;

        protected WriteOp(ICheckpointCallback? callback, object? token)
        {
            _callback = callback;
            _token = token;
            _done = callback is null ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        }

        /// <summary>Gets a value indicating whether someone waits for this write: the writer commits it without gathering more.</summary>
        public virtual bool CommitsAtOnce => _done is not null;

#pragma warning disable VSTHRD003 // The writer completes it; no context to deadlock on.
        public Task Done => _done?.Task ?? Task.CompletedTask;
#pragma warning restore VSTHRD003

        public abstract void Write(SqliteTransaction transaction);

        /// <summary>Releases what the write held, once it is committed or failed for good.</summary>
        protected virtual void OnCompleted()
        {
        }

        public void Complete(Exception? fault)
        {
            OnCompleted();
            if (_callback is not null)
            {
#pragma warning disable CA1031 // A callback's fault must not stop the writer; the callback contract forbids throwing.
                try
                {
                    _callback.OnCheckpointed(_token, fault);
                }
                catch (Exception)
                {
                }
#pragma warning restore CA1031
            }
            else if (fault is null)
            {
                _done!.TrySetResult();
            }
            else
            {
                _done!.TrySetException(fault);
            }
        }
    }

    private void DisposePendingBuffers()
    {
        foreach (var run in _sequences.Values)
        {
            run.Pending?.Dispose();
            run.Pending = null;
        }
    }

    /// <summary>The writer's state of a run: its id in UTF-8, its last checkpoint sequence (-1: not read yet), and the records appended in the current commit.</summary>
    private sealed class RunKey(byte[] id)
    {
        public byte[] Id { get; } = id;

        public long Last { get; set; } = -1;

        public PooledBufferWriter? Pending { get; set; }

        public int PendingCount { get; set; }

        public long PendingFirst { get; set; }

        public long PendingCreatedAt { get; set; }

        public void ResetPending()
        {
            PendingCount = 0;
            if (Pending is { } buffer)
            {
                buffer.Clear(shrinkAbove: 256 * 1024);
            }
        }
    }

    private sealed class ActionOp(SqliteConnection connection, Action<SqliteConnection, SqliteTransaction> write) : WriteOp(null, null)
    {
        public override void Write(SqliteTransaction transaction) => write(connection, transaction);
    }

    private sealed class StepOp(SqliteCheckpointStore store, string runId, byte[] json, ICheckpointCallback? callback, object? token) : WriteOp(callback, token)
    {
        // Stamped with the commit's time (one clock read per batch, not one per completion).
        public override void Write(SqliteTransaction transaction) => store.AppendStep(transaction, runId, json, store._batchTime);
    }

    private sealed class CompleteOp(SqliteCheckpointStore store, string runId, SwarmRunStatus status, long now, ICheckpointCallback? callback, object? token) : WriteOp(callback, token)
    {
        // The run waits for its last records and this status before it returns.
        public override bool CommitsAtOnce => true;

        public override void Write(SqliteTransaction transaction) => store.WriteComplete(runId, status, now);
    }

    private sealed class StartOp(SqliteCheckpointStore store, SwarmRunState state, long now, ICheckpointCallback? callback, object? token) : WriteOp(callback, token)
    {
        public override void Write(SqliteTransaction transaction) => store.WriteStart(transaction, state, now);
    }
}
