#pragma warning disable VSTHRD103 // Plain synchronous SQLite calls set up and inspect files in these tests.
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Checkpoints;

public sealed class SqliteCheckpointStoreTests
{
    private static SqliteCheckpointStore Open(string path) => SqliteCheckpointStore.Open(new CheckpointOptions { Path = path }, TimeProvider.System, NullLogger.Instance);

    private static StepRecord Record(string id, string? output = null) => new() { StepId = id, Status = StepStatus.Succeeded, Attempts = 1, Output = output ?? "out-" + id };

    [Fact]
    public async Task Open_NewFile_UsesWalAndCurrentSchemaVersion()
    {
        using var dir = new TempDirectory();
        await using (Open(dir.File("c.db")))
        {
        }

        using var connection = new SqliteConnection($"Data Source={dir.File("c.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)SqliteCheckpointStore.SchemaVersion, command.ExecuteScalar());
    }

    [Fact]
    public async Task SaveStepAsync_ManyConcurrentCompletions_AllDurableAfterReopenInOrder()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.SaveStepAsync("r", Record("s" + i)).AsTask()));
            Assert.True(store.CommittedBatches < 300, $"300 concurrent completions took {store.CommittedBatches} transactions; they were not batched.");
        }

        await using var reopened = Open(path);
        var state = await reopened.LoadAsync("r");
        Assert.NotNull(state);
        Assert.Equal(300, state.Steps.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => "s" + i).Order(), state.Steps.Select(s => s.StepId).Order());
        var checkpoints = await reopened.ListCheckpointsAsync("r", CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 300), checkpoints.Select(c => c.Sequence));
        Assert.Equal(state.Steps.Select(s => s.StepId), checkpoints.Select(c => c.StepId));
    }

    [Fact]
    public async Task SaveStepAsync_ConcurrentCompletions_OneRowPerRunPerCommit_ViewListsEachCheckpoint()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.SaveStepAsync("r", Record("s" + i)).AsTask()));
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), SUM(last_seq - first_seq + 1), MIN(first_seq), MAX(last_seq) FROM step_batches WHERE run_id = 'r';";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.True(reader.GetInt64(0) < 200, $"200 concurrent completions took {reader.GetInt64(0)} rows; they were not grouped.");
            Assert.Equal(200, reader.GetInt64(1));
            Assert.Equal(1, reader.GetInt64(2));
            Assert.Equal(200, reader.GetInt64(3));
        }

        command.CommandText = "SELECT seq, step_id, status FROM checkpoints WHERE run_id = 'r' ORDER BY seq;";
        var seen = new List<(long Seq, string Step)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Assert.Equal((long)StepStatus.Succeeded, reader.GetInt64(2));
                seen.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), seen.Select(x => x.Seq));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "s" + i).Order(), seen.Select(x => x.Step).Order());
    }

    [Fact]
    public async Task Open_SchemaV1File_MigratesToCurrent_KeepsRunsCheckpointsAndSequence()
    {
        using var dir = new TempDirectory();
        var path = dir.File("v1.db");
        var v1Record = """{"stepId":"a","dependsOn":[],"kind":"tool","role":"worker","status":"succeeded","attempts":1,"output":"out-a","files":[],"startOffset":"00:00:00.0039162","duration":"00:00:00.0000337","spawnedSteps":[],"failures":[],"decisions":[]}""";
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;" + SqliteCheckpointStore.Migrations[0];
            command.ExecuteNonQuery();
            command.CommandText = """
                INSERT INTO runs(run_id, graph, status, started_at, updated_at) VALUES('old', '{"id":"g","goal":"x","steps":[{"id":"a","instruction":"i","dependsOn":[],"kind":"tool","tool":"noop","gates":[],"risk":"low"},{"id":"b","instruction":"i","dependsOn":["a"],"kind":"tool","tool":"noop","gates":[],"risk":"low"}]}', 3, 1700000000000, 1700000000500);
                INSERT INTO checkpoints(run_id, seq, step_id, status, record, created_at) VALUES('old', 1, 'a', 2, $a, 1700000000100);
                INSERT INTO checkpoints(run_id, seq, step_id, status, record, created_at) VALUES('old', 2, 'b', 3, $b, 1700000000200);
                """;
            command.Parameters.AddWithValue("$a", v1Record);
            command.Parameters.AddWithValue("$b", v1Record.Replace("\"stepId\":\"a\"", "\"stepId\":\"b\"", StringComparison.Ordinal).Replace("succeeded", "failed", StringComparison.Ordinal));
            command.ExecuteNonQuery();
        }

        await using (var store = Open(path))
        {
            var state = await store.LoadAsync("old");
            Assert.NotNull(state);
            Assert.Equal(["a", "b"], state.Steps.Select(r => r.StepId));
            Assert.Equal(TimeSpan.FromTicks(39162), state.Steps[0].StartOffset);
            Assert.Empty(state.Steps[0].Files);
            Assert.Equal(["a"], state.Graph.Steps[1].DependsOn);
            var checkpoints = await store.ListCheckpointsAsync("old", CancellationToken.None);
            Assert.Equal([(1, "a", StepStatus.Succeeded), (2, "b", StepStatus.Failed)], checkpoints.Select(c => (c.Sequence, c.StepId, c.Status)));
            Assert.Single((await store.LoadAtAsync("old", 1, CancellationToken.None))!.Steps);

            await store.SaveStepAsync("old", Record("b"));
            Assert.Equal([1, 2, 3], (await store.ListCheckpointsAsync("old", CancellationToken.None)).Select(c => c.Sequence));
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT (SELECT version FROM swarm_schema) || '/' || (SELECT user_version FROM pragma_user_version);";
        Assert.Equal($"{SqliteCheckpointStore.SchemaVersion}/{SqliteCheckpointStore.SchemaVersion}", version.ExecuteScalar());

        // The view lists the migrated JSON rows and the new JSONB row alike.
        version.CommandText = "SELECT group_concat(seq || ':' || step_id || ':' || status || ':' || (record ->> '$.output'), ' ') FROM (SELECT * FROM checkpoints WHERE run_id = 'old' ORDER BY seq);";
        Assert.Equal("1:a:2:out-a 2:b:3:out-a 3:b:2:out-b", version.ExecuteScalar());
    }

    [Fact]
    public async Task SaveStepAsync_WritesJsonbRowsAndGraph_ViewRendersTheNamedRecords_LoadReadsThemBack()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var full = DurableSamples.FullRecord();
        var graph = Graph(Step("a"), Step("b", "a"));
        graph.Steps[1].Gates = ["lint"];
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = graph, Status = SwarmRunStatus.Running });
            await store.SaveStepAsync("r", Record("a"));
            await store.SaveStepAsync("r", full);
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), SUM(typeof(records) = 'blob' AND json_valid(records, 8)) FROM step_batches;";
            using (var reader = command.ExecuteReader())
            {
                Assert.True(reader.Read());
                Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
            }

            command.CommandText = "SELECT typeof(g.graph) = 'blob' AND json_valid(g.graph, 8) FROM runs r JOIN graphs g ON g.graph_id = r.graph_id WHERE r.run_id = 'r';";
            Assert.Equal(1L, command.ExecuteScalar());
            command.CommandText = "SELECT record FROM checkpoints WHERE run_id = 'r' AND seq = 2;";
            var named = StepRecordJson.Normalize(System.Text.Json.JsonSerializer.Deserialize((string)command.ExecuteScalar()!, DurableJsonContext.Default.StepRecord)!);
            Assert.Equal(DurableSamples.Named(full), DurableSamples.Named(named));
        }

        await using var reopened = Open(path);
        var state = await reopened.LoadAsync("r");
        Assert.NotNull(state);
        Assert.Equal(DurableSamples.Named(full), DurableSamples.Named(state.Steps[1]));
        Assert.Equal("out-a", state.Steps[0].Output);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(graph, DurableJsonContext.Default.TaskGraph), System.Text.Json.JsonSerializer.Serialize(state.Graph, DurableJsonContext.Default.TaskGraph));
    }

    [Fact]
    public async Task StartRunAsync_SameGraphAgain_SharesOneGraphRow_AGraphChangedInPlaceGetsItsOwn_EachRunLoadsItsGraph()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var graph = Graph(Step("a"), Step("b", "a"));
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r1", Graph = graph, Status = SwarmRunStatus.Running });
            await store.StartRunAsync(new SwarmRunState { RunId = "r2", Graph = graph, Status = SwarmRunStatus.Running });
            await store.StartRunAsync(new SwarmRunState { RunId = "r3", Graph = Graph(Step("a"), Step("b", "a")), Status = SwarmRunStatus.Running });
            Assert.Equal(2, store.GraphRowsReused);

            graph.Steps[1].Instruction = "changed in place";
            await store.StartRunAsync(new SwarmRunState { RunId = "r4", Graph = graph, Status = SwarmRunStatus.Running });
            Assert.Equal(2, store.GraphRowsReused);

            Assert.Equal("do b", (await store.LoadAsync("r1"))!.Graph.Steps[1].Instruction);
            Assert.Equal("do b", (await store.LoadAsync("r3"))!.Graph.Steps[1].Instruction);
            Assert.Equal("changed in place", (await store.LoadAsync("r4"))!.Graph.Steps[1].Instruction);
        }

        Assert.Equal("1,1,1,2", Scalar(path, "SELECT group_concat(graph_id) FROM (SELECT graph_id FROM runs ORDER BY run_id);"));
        Assert.Equal(2L, Scalar(path, "SELECT COUNT(*) FROM graphs;"));
    }

    [Fact]
    public async Task PruneAsync_RunsRemovedByAge_DeletesTheGraphRowsNoRunReferences_KeepsShared()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var time = SwarmHost.NewClock();
        var shared = Graph(Step("a"));
        await using (var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = path }, time, NullLogger.Instance))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "old-own", Graph = Own(), Status = SwarmRunStatus.Running });
            await store.StartRunAsync(new SwarmRunState { RunId = "old-shared", Graph = shared, Status = SwarmRunStatus.Running });
            await store.CompleteRunAsync("old-own", SwarmRunStatus.Succeeded);
            await store.CompleteRunAsync("old-shared", SwarmRunStatus.Succeeded);
            time.Advance(TimeSpan.FromDays(30));
            await store.StartRunAsync(new SwarmRunState { RunId = "new-shared", Graph = shared, Status = SwarmRunStatus.Running });
            Assert.Equal(2L, Scalar(path, "SELECT COUNT(*) FROM graphs;"));

            var report = await store.PruneAsync(new CheckpointRetention { MaxRunAge = TimeSpan.FromDays(7) }, time.GetUtcNow(), CancellationToken.None);

            Assert.Equal(2, report.RunsRemoved);
            Assert.Equal(1L, Scalar(path, "SELECT COUNT(*) FROM graphs;"));
            Assert.Equal(["a"], (await store.LoadAsync("new-shared"))!.Graph.Steps.Select(s => s.Id));

            // The writer forgot the deleted row it remembered for this graph: the same graph again gets a row of its own.
            await store.StartRunAsync(new SwarmRunState { RunId = "after-prune", Graph = Own(), Status = SwarmRunStatus.Running });
            Assert.Equal(["x"], (await store.LoadAsync("after-prune"))!.Graph.Steps.Select(s => s.Id));
        }

        static TaskGraph Own()
        {
            var graph = Graph(Step("x"));
            graph.Id = "own";
            return graph;
        }
    }

    [Fact]
    public async Task Open_SchemaV3File_MovesEachRunsGraphToTheGraphsTable_RunsLoadAsBefore()
    {
        using var dir = new TempDirectory();
        var path = dir.File("v3.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;" + string.Concat(SqliteCheckpointStore.Migrations.Take(3));
            command.ExecuteNonQuery();
            command.CommandText = """
                INSERT INTO runs(run_id, graph, status, started_at, updated_at) VALUES
                    ('one', jsonb('["g1","first",[["a","worker","do a",[],1,"noop"]]]'), 1, 1700000000000, 1700000000500),
                    ('two', jsonb('["g2","second",[["a","worker","do a",[],1,"noop"],["b",null,"do b",["a"],0,null]]]'), 2, 1700000000000, 1700000000600);
                INSERT INTO step_batches(run_id, first_seq, last_seq, created_at, records) VALUES('two', 1, 1, 1700000000100, jsonb('[["a",2,1,1,"out-a",1,2,3,"worker"]]'));
                """;
            command.ExecuteNonQuery();
        }

        await using (var store = Open(path))
        {
            var one = await store.LoadAsync("one");
            var two = await store.LoadAsync("two");
            Assert.Equal(("g1", "first", 1), (one!.Graph.Id, one.Graph.Goal, one.Graph.Steps.Count));
            Assert.Equal(("g2", "second", 2), (two!.Graph.Id, two.Graph.Goal, two.Graph.Steps.Count));
            Assert.Equal(["a"], two.Graph.Steps[1].DependsOn);
            Assert.Equal("out-a", Assert.Single(two.Steps).Output);
            Assert.Equal(SwarmRunStatus.Failed, two.Status);
        }

        Assert.Equal($"{SqliteCheckpointStore.SchemaVersion}/{SqliteCheckpointStore.SchemaVersion}", Scalar(path, "SELECT (SELECT version FROM swarm_schema) || '/' || (SELECT user_version FROM pragma_user_version);"));
        Assert.Equal(2L, Scalar(path, "SELECT COUNT(*) FROM graphs g JOIN runs r ON r.graph_id = g.graph_id;"));
    }

    private static object? Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Test SQL.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command.ExecuteScalar();
    }

    [Theory]
    [InlineData("UPDATE step_batches SET records = x'deadbeef';", "checkpoint row of run 'r' starting at checkpoint 1 is not well-formed JSONB")]
    [InlineData("UPDATE step_batches SET records = jsonb('[1,2]');", "checkpoint row of run 'r' starting at checkpoint 1 is not valid step-record JSON")]
    [InlineData("UPDATE graphs SET graph = x'00ff00' WHERE graph_id = (SELECT graph_id FROM runs WHERE run_id = 'r');", "stored graph of run 'r' is not well-formed JSONB")]
    [InlineData("UPDATE graphs SET graph = jsonb('{\"id\":\"g\"}') WHERE graph_id = (SELECT graph_id FROM runs WHERE run_id = 'r');", "stored graph of run 'r' is not a valid task graph")]
    public async Task LoadAsync_DamagedRow_ThrowsCheckpointSchemaExceptionNamingIt(string damage, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            await store.SaveStepAsync("r", Record("a"));
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = damage;
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        await using var reopened = Open(path);
        var ex = await Assert.ThrowsAsync<CheckpointSchemaException>(async () => await reopened.LoadAsync("r"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PruneAsync_CutInsideAGroupCommitRow_KeepsTheRowsTail_StateUnchanged()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using var store = Open(path);
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        using (var hold = new ManualResetEventSlim())
        {
            // Freeze the writer so the 10 records queue up and land in one row.
            store.BeforeCommit = hold.Wait;
            var saves = Enumerable.Range(0, 10).Select(i => store.SaveStepAsync("r", Record("s" + i, "v" + i)).AsTask()).ToList();
            store.BeforeCommit = null;
            hold.Set();
            await Task.WhenAll(saves);
        }

        await store.SaveStepAsync("r", Record("s3", "v3-again"));
        var before = await store.LoadAsync("r");

        var report = await store.PruneAsync(new CheckpointRetention { KeepLastCheckpointsPerRun = 4 }, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal(7, report.CheckpointsCompacted);
        Assert.Equal([8, 9, 10, 11], (await store.ListCheckpointsAsync("r", CancellationToken.None)).Select(c => c.Sequence));
        var after = await store.LoadAsync("r");
        static IEnumerable<string> Newest(SwarmRunState state) => state.Steps.GroupBy(r => r.StepId).Select(g => g.Key + "=" + g.Last().Output).Order();
        Assert.Equal(Newest(before!), Newest(after!));
        Assert.Contains("s3=v3-again", Newest(after!));
        Assert.Equal(["s7", "s8", "s9", "s3"], (await store.LoadAtAsync("r", 11, CancellationToken.None))!.Steps.TakeLast(4).Select(r => r.StepId));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.LoadAtAsync("r", 6, CancellationToken.None));
        await store.SaveStepAsync("r", Record("s10"));
        Assert.Equal(12, (await store.ListCheckpointsAsync("r", CancellationToken.None))[^1].Sequence);
    }

    [Fact]
    public async Task SaveStepAsync_LogPastTheThreshold_CheckpointerCopiesItIntoTheDatabase()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var big = new string('x', 64 * 1024);
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            for (var i = 0; i < (SqliteCheckpointStore.WalCheckpointBytes / big.Length) + 8; i++)
            {
                await store.SaveStepAsync("r", Record("s" + i, big));
            }

            // The checkpointer runs on its own thread after the commit that crossed the threshold; wait for it.
            for (var wait = 0; wait < 200 && store.WalCheckpoints == 0; wait++)
            {
                await Task.Delay(50);
            }

            Assert.True(store.WalCheckpoints >= 1, "No WAL checkpoint ran after more than the threshold of bytes was committed.");
            Assert.True(new FileInfo(path).Length > SqliteCheckpointStore.WalCheckpointBytes / 2, "The database file did not receive the log's pages.");
        }

        await using var reopened = Open(path);
        Assert.Equal((int)(SqliteCheckpointStore.WalCheckpointBytes / big.Length) + 8, (await reopened.LoadAsync("r"))!.Steps.Count);
    }

    [Fact]
    public async Task QueueStep_WriterNeverIdle_LogRestartsInsteadOfGrowing()
    {
        // One commit per record and every record queued at once: the writer appends without a pause while the checkpointer
        // copies the log, so a checkpoint running beside it never finds the log wholly copied. Every ForcedTailRounds
        // checkpoints the writer copies the last frames itself between two commits; the log then starts again from its
        // beginning and its file stops growing.
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var count = (int)(10 * SqliteCheckpointStore.WalCheckpointBytes / BigRecordLength);
        await using (var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = path, MaxBatchSize = 1 }, TimeProvider.System, NullLogger.Instance))
        {
            store.ForcedTailRounds = 1;
            await QueueBigRecordsAsync(store, count);
            var log = new FileInfo(path + "-wal").Length;
            Assert.True(store.WalCheckpoints >= 2, $"Only {store.WalCheckpoints} WAL checkpoints ran for {count} records of 64 KB.");
            Assert.True(
                log < 5 * SqliteCheckpointStore.WalCheckpointBytes,
                $"The log grew to {log / (1024 * 1024)} MB for {count * BigRecordLength / (1024 * 1024)} MB of records; it should start again after each checkpoint.");
        }

        await using var reopened = Open(path);
        Assert.Equal(count, (await reopened.LoadAsync("r"))!.Steps.Count);
    }

    [Fact]
    public async Task QueueStep_WriterIdleAfterCheckpoint_NextCommitStartsTheLogAgain()
    {
        // A burst of writes longer than a checkpoint leaves frames the checkpointer never saw; once the writer has been idle
        // for IdleBeforeTail it copies them, and the next commit starts the log from its beginning (SQLite counts each start
        // in the log header's checkpoint sequence).
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var count = (int)(3 * SqliteCheckpointStore.WalCheckpointBytes / BigRecordLength);
        await using var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = path, MaxBatchSize = 1 }, TimeProvider.System, NullLogger.Instance);
        store.ForcedTailRounds = int.MaxValue;
        store.IdleBeforeTail = TimeSpan.FromMilliseconds(20);
        await QueueBigRecordsAsync(store, count);
        var before = LogCheckpointSequence(path);
        for (var wait = 0; wait < 200 && store.TailCheckpoints == 0; wait++)
        {
            await Task.Delay(50);
        }

        Assert.True(store.TailCheckpoints >= 1, $"The idle writer did not copy the log's last frames ({store.WalCheckpoints} checkpoints ran).");
        await store.SaveStepAsync("r", Record("after"));
        Assert.NotEqual(before, LogCheckpointSequence(path));
        Assert.Equal(count + 1, (await store.LoadAsync("r"))!.Steps.Count);

        static uint LogCheckpointSequence(string path)
        {
            // The WAL header: magic, format version, page size, then the checkpoint sequence (big-endian), bumped at each restart.
            using var file = new FileStream(path + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[16];
            file.ReadExactly(header);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
        }
    }

    [Fact]
    public async Task QueueStep_CompletionsWithinTheCommitDelay_CommitInOneTransaction_AFullBatchWithoutWaitingItOut()
    {
        // A ten-second delay: the first completion wakes the writer, which gathers; the fiftieth fills the batch, which then
        // commits at once, all fifty in one transaction.
        using var dir = new TempDirectory();
        await using var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = dir.File("c.db"), CommitDelay = TimeSpan.FromSeconds(10), MaxBatchSize = 50 }, TimeProvider.System, NullLogger.Instance);
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        var before = store.CommittedBatches;
        var done = new CountdownCallback(50);
        for (var i = 0; i < 50; i++)
        {
            store.QueueStep("r", Record("s" + i), done, null);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(done.Fault);
        Assert.Equal(1, store.CommittedBatches - before);
        Assert.Equal(50, (await store.LoadAsync("r"))!.Steps.Count);
    }

    [Fact]
    public async Task QueueStep_AnAwaitedWriteQueuedBehind_CommitsEverythingAtOnce()
    {
        // The executor's run end, a non-idempotent tool's journal entry and an interrupt are awaited: the writer stops gathering
        // for them, and the completions queued before commit with them, in queue order.
        using var dir = new TempDirectory();
        await using var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = dir.File("c.db"), CommitDelay = TimeSpan.FromSeconds(10) }, TimeProvider.System, NullLogger.Instance);
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        var before = store.CommittedBatches;
        var done = new CountdownCallback(3);
        for (var i = 0; i < 3; i++)
        {
            store.QueueStep("r", Record("s" + i), done, null);
        }

        await store.SaveStepAsync("r", Record("awaited")).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(done.Task.IsCompletedSuccessfully, "The completions queued before the awaited write were not reported durable with it.");
        Assert.Equal(1, store.CommittedBatches - before);
        Assert.Equal(["s0", "s1", "s2", "awaited"], (await store.ListCheckpointsAsync("r", CancellationToken.None)).Select(c => c.StepId));
    }

    [Fact]
    public async Task QueueStep_NothingElseComes_CommitsOnceTheDelayIsOver()
    {
        using var dir = new TempDirectory();
        await using var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = dir.File("c.db"), CommitDelay = TimeSpan.FromMilliseconds(30) }, TimeProvider.System, NullLogger.Instance);
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        var done = new CountdownCallback(1);
        store.QueueStep("r", Record("only"), done, null);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(done.Fault);
        Assert.Equal(["only"], (await store.ListCheckpointsAsync("r", CancellationToken.None)).Select(c => c.StepId));
    }

    [Fact]
    public async Task DisposeAsync_WhileTheWriterGathers_CommitsWhatIsQueuedFirst()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var done = new CountdownCallback(2);
        var store = SqliteCheckpointStore.Open(new CheckpointOptions { Path = path, CommitDelay = TimeSpan.FromSeconds(10) }, TimeProvider.System, NullLogger.Instance);
        await using (store)
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            store.QueueStep("r", Record("a"), done, null);
            store.QueueStep("r", Record("b"), done, null);
        }

        Assert.True(done.Task.IsCompletedSuccessfully, "Closing the store did not commit the completions it had queued.");
        Assert.Null(done.Fault);
        Assert.Throws<ObjectDisposedException>(() => store.QueueStep("r", Record("late"), done, null));
        await using var reopened = Open(path);
        Assert.Equal(["a", "b"], (await reopened.LoadAsync("r"))!.Steps.Select(s => s.StepId));
    }

    private const int BigRecordLength = 64 * 1024;

    /// <summary>Starts run "r" and queues <paramref name="count"/> records of 64 KB all at once (the writer never pauses
    /// between them); returns once every one is committed.</summary>
    private static async Task QueueBigRecordsAsync(SqliteCheckpointStore store, int count)
    {
        var big = new string('x', BigRecordLength);
        var done = new CountdownCallback(count);
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        for (var i = 0; i < count; i++)
        {
            store.QueueStep("r", Record("s" + i, big), done, null);
        }

        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Null(done.Fault);
    }

    private sealed class CountdownCallback(int count) : ICheckpointCallback
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = count;

        public Task Task => _done.Task;

        public Exception? Fault { get; private set; }

        public void OnCheckpointed(object? token, Exception? fault)
        {
            Fault ??= fault;
            if (Interlocked.Decrement(ref _left) == 0)
            {
                _done.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Open_FileOfNewerSchema_ThrowsCheckpointSchemaExceptionNamingVersions()
    {
        using var dir = new TempDirectory();
        var path = dir.File("future.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE swarm_schema(version INTEGER NOT NULL, written_by TEXT NOT NULL); PRAGMA user_version = 7;";
            command.ExecuteNonQuery();
        }

        var ex = Assert.Throws<CheckpointSchemaException>(() => Open(path));
        Assert.Equal(7, ex.FoundVersion);
        Assert.Equal(SqliteCheckpointStore.SchemaVersion, ex.SupportedVersion);
        Assert.Contains("newer version of Swarm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ForeignSqliteDatabase_ThrowsCheckpointSchemaException()
    {
        using var dir = new TempDirectory();
        var path = dir.File("other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers(id INTEGER);";
            command.ExecuteNonQuery();
        }

        var ex = Assert.Throws<CheckpointSchemaException>(() => Open(path));
        Assert.Contains("not a Swarm checkpoint file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FileOfCurrentSchema_LoadsWhatAnEarlierInstanceWrote()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using (var store = Open(path))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a"), Step("b", "a")), Status = SwarmRunStatus.Running });
            await store.SaveStepAsync("r", Record("a"));
            await store.CompleteRunAsync("r", SwarmRunStatus.Failed);
        }

        await using var reopened = Open(path);
        var state = await reopened.LoadAsync("r");
        Assert.NotNull(state);
        Assert.Equal(SwarmRunStatus.Failed, state.Status);
        Assert.Equal(["a", "b"], state.Graph.Steps.Select(s => s.Id));
        Assert.Equal("out-a", Assert.Single(state.Steps).Output);
    }

    [Fact]
    public async Task LoadAtAsync_CheckpointPastTheEnd_ThrowsArgumentOutOfRange()
    {
        await using var store = Open(":memory:");
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
        await store.SaveStepAsync("r", Record("a"));

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.LoadAtAsync("r", 5, CancellationToken.None));
        Assert.Contains("has 1 checkpoint(s)", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.LoadAsync("missing"));
    }

    [Fact]
    public async Task AddSwarm_WithCheckpointPath_RegistersSqliteStore_AndAHostStoreWins()
    {
        using var dir = new TempDirectory();
        await using (var host = DurableHost.Create(dir.File("c.db")))
        {
            Assert.IsType<SqliteCheckpointStore>(host.Services.GetRequiredService<ICheckpointStore>());
        }

        var own = new RecordingCheckpointStore();
        await using (var host = DurableHost.Create(dir.File("c.db"), s => s.AddSingleton<ICheckpointStore>(own)))
        {
            Assert.Same(own, host.Services.GetRequiredService<ICheckpointStore>());
        }

        await using (var host = new SwarmHost())
        {
            Assert.IsNotType<SqliteCheckpointStore>(host.Services.GetRequiredService<ICheckpointStore>());
        }
    }

    [Fact]
    public async Task RunAsync_WithSqliteStore_CheckpointsEveryCompletedStepBeforeTheRunEnds()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using (var host = DurableHost.Create(path, s => s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (ctx, _) => ValueTask.FromResult(new StepOutput("out-" + ctx.StepId))))))
        {
            var result = await host.Executor.RunAsync(Graph(Step("a"), Step("b", "a"), Step("c", "a")), new SwarmRunOptions { RunId = "r" });
            Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
        }

        await using var store = Open(path);
        var state = await store.LoadAsync("r");
        Assert.NotNull(state);
        Assert.Equal(SwarmRunStatus.Succeeded, state.Status);
        Assert.Equal(["a", "b", "c"], state.Steps.Select(s => s.StepId).Order());
        Assert.All(state.Steps, s => Assert.Equal("out-" + s.StepId, s.Output));
    }
}
