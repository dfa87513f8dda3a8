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
