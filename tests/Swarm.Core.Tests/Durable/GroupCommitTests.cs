#pragma warning disable VSTHRD103 // Plain synchronous SQLite calls inspect copies of the checkpoint file in these tests.
using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

/// <summary>
/// The SQLite store's ordered group commit: step records are queued (not awaited) as steps complete and committed in queue
/// order, so the file only ever holds a dependency-closed set of completed steps, and a crash between queue and commit re-runs
/// only steps whose records were not durable (idempotent tools; a non-idempotent call waits for its durable journal entry).
/// </summary>
public sealed class GroupCommitTests
{
    private const string RunId = "r";

    [Fact]
    public async Task RunAsync_EveryCommittedState_HoldsNoStepWithoutItsDependencies()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");

        // 12 chains of 8 steps, a diamond on each chain's head, and a sink that waits for every chain.
        var steps = new List<TaskStep>();
        for (var chain = 0; chain < 12; chain++)
        {
            steps.Add(Tool($"c{chain}-0", "noop"));
            steps.Add(Tool($"c{chain}-l", "noop", $"c{chain}-0"));
            steps.Add(Tool($"c{chain}-r", "noop", $"c{chain}-0"));
            steps.Add(Tool($"c{chain}-1", "noop", $"c{chain}-l", $"c{chain}-r"));
            for (var i = 2; i < 8; i++)
            {
                steps.Add(Tool($"c{chain}-{i}", "noop", $"c{chain}-{i - 1}"));
            }
        }

        steps.Add(Tool("sink", "noop", [.. Enumerable.Range(0, 12).Select(c => $"c{c}-7")]));
        var graph = Graph([.. steps]);
        var dependencies = steps.ToDictionary(s => s.Id, s => s.DependsOn.ToArray(), StringComparer.Ordinal);

        // Small batches: many commits, so many intermediate states, whatever the scheduling.
        await using var host = DurableHost.Create(path, s => s.AddSingleton<ITool>(new DelegateTool("noop", (_, _) => ValueTask.FromResult(ToolResult.Success("ok")))), o => o.Checkpoints.MaxBatchSize = 7);
        var store = Assert.IsType<SqliteCheckpointStore>(host.Services.GetRequiredService<ICheckpointStore>());
        var images = new List<string>();
        store.BeforeCommit = () =>
        {
            // The file as it stands before each commit: what a crash at this instant would leave.
            if (images.Count < 40)
            {
                images.Add(CopyImage(path, dir.File($"image{images.Count}.db")));
            }
        };

        var result = await host.Executor.RunAsync(graph, new SwarmRunOptions { RunId = RunId });
        store.BeforeCommit = null;
        Assert.Equal(SwarmRunStatus.Succeeded, result.Status);

        var final = ReadCheckpoints(path);
        Assert.Equal(steps.Count, final.Count);
        AssertDependencyClosed(final, dependencies, "the final file");
        Assert.True(images.Count >= 10, $"Only {images.Count} commits; too few intermediate states were checked.");
        foreach (var image in images)
        {
            AssertDependencyClosed(ReadCheckpoints(image), dependencies, image);
        }
    }

    [Fact]
    public async Task ResumeAsync_CrashBetweenQueueAndCommit_RerunsOnlyStepsNotDurableAndCallsTheNonIdempotentToolOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var executions = new ConcurrentQueue<string>();
        var bEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cExecuted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Services(IServiceCollection s, bool hold)
        {
            s.AddSingleton<ITool>(new DelegateTool("noop", (invocation, _) =>
            {
                executions.Enqueue(invocation.StepId);
                if (invocation.StepId == "c")
                {
                    cExecuted.TrySetResult();
                }

                return ValueTask.FromResult(ToolResult.Success("ok-" + invocation.StepId));
            }));
            s.AddSingleton<ITool>(new DelegateTool("slow", async (invocation, ct) =>
            {
                executions.Enqueue(invocation.StepId);
                if (hold)
                {
                    bEntered.TrySetResult();
                    await bRelease.Task.WaitAsync(ct);
                }

                return ToolResult.Success("ok-" + invocation.StepId);
            }));
            s.AddSingleton<ITool>(new DelegateTool(
                "pay",
                (invocation, _) =>
                {
                    executions.Enqueue(invocation.StepId);
                    return ValueTask.FromResult(ToolResult.Success("paid"));
                },
                idempotent: false));
        }

        var graph = Graph(Tool("a", "noop"), Tool("b", "slow", "a"), Tool("c", "noop", "b"), Tool("pay", "pay", "c"));
        string image;
        await using (var first = DurableHost.Create(path, s => Services(s, hold: true)))
        {
            var store = Assert.IsType<SqliteCheckpointStore>(first.Services.GetRequiredService<ICheckpointStore>());
            var running = first.Executor.RunAsync(graph, new SwarmRunOptions { RunId = RunId });
            await bEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (!ReadCheckpoints(path).Exists(c => c.StepId == "a"))
                {
                    await Task.Delay(5, deadline.Token);
                }
            }

            // From here on nothing commits: b's and c's records are queued, the payment's journal entry cannot become durable.
            using var hold = new ManualResetEventSlim(false);
            store.BeforeCommit = () => hold.Wait();
            try
            {
                bRelease.SetResult();
                await cExecuted.Task.WaitAsync(TimeSpan.FromSeconds(30));

                // c ran while its dependency's record was still queued; the non-idempotent tool did not run without a durable journal entry.
                Assert.DoesNotContain("pay", executions);
                image = CopyImage(path, dir.File("crash.db"));
            }
            finally
            {
                store.BeforeCommit = null;
                hold.Set();
            }

            Assert.Equal(SwarmRunStatus.Succeeded, (await running).Status);
        }

        Assert.Equal(["a"], ReadCheckpoints(image).Select(c => c.StepId));
        executions.Clear();
        await using (var restarted = DurableHost.Create(image, s => Services(s, hold: false)))
        {
            var resumed = await restarted.Manager().ResumeAsync(RunId);
            Assert.Equal(SwarmRunStatus.Succeeded, resumed.Status);
            Assert.Equal("paid", resumed.GetOutput("pay"));
        }

        // a was durable: not run again. b and c were queued, not durable: run again (idempotent). The payment runs once.
        Assert.Equal(["b", "c", "pay"], executions.ToArray());
        Assert.Equal(["a", "b", "c", "pay"], ReadCheckpoints(image).Select(c => c.StepId));
    }

    [Fact]
    public async Task RunStreamingAsync_SqliteStore_ReportsEachStepCompletedOnceAfterItIsDurableAndBeforeRunCompleted()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        await using var host = DurableHost.Create(path, s => s.AddSingleton<ITool>(new DelegateTool("noop", (_, _) => ValueTask.FromResult(ToolResult.Success("ok")))));
        var graph = Graph([.. Enumerable.Range(0, 50).Select(i => Tool("s" + i, "noop", i % 10 == 0 ? Array.Empty<string>() : ["s" + (i - 1)]))]);
        var completed = new List<string>();
        var runCompleted = false;
        await foreach (var e in host.Executor.RunStreamingAsync(graph, new SwarmRunOptions { RunId = RunId }))
        {
            if (e.Kind == SwarmEventKind.StepCompleted)
            {
                Assert.False(runCompleted, "A StepCompleted event came after RunCompleted.");
                completed.Add(e.StepId!);
                Assert.Contains(ReadCheckpoints(path), c => c.StepId == e.StepId);
            }
            else if (e.Kind == SwarmEventKind.RunCompleted)
            {
                runCompleted = true;
            }
        }

        Assert.True(runCompleted);
        Assert.Equal(graph.Steps.Select(s => s.Id).Order(), completed.Order());
    }

    private static void AssertDependencyClosed(List<(long Seq, string StepId)> checkpoints, Dictionary<string, string[]> dependencies, string where)
    {
        var seqOf = checkpoints.ToDictionary(c => c.StepId, c => c.Seq, StringComparer.Ordinal);
        foreach (var (seq, step) in checkpoints)
        {
            foreach (var dependency in dependencies[step])
            {
                Assert.True(seqOf.TryGetValue(dependency, out var before), $"{where}: step {step} is checkpointed but its dependency {dependency} is not.");
                Assert.True(before < seq, $"{where}: step {step} (checkpoint {seq}) was committed before its dependency {dependency} (checkpoint {before}).");
            }
        }
    }

    private static string CopyImage(string path, string target)
    {
        File.Copy(path, target, overwrite: true);
        if (File.Exists(path + "-wal"))
        {
            File.Copy(path + "-wal", target + "-wal", overwrite: true);
        }

        return target;
    }

    private static List<(long Seq, string StepId)> ReadCheckpoints(string path)
    {
        var list = new List<(long, string)>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE name = 'checkpoints';";
        if (command.ExecuteScalar() is null)
        {
            return list;
        }

        command.CommandText = "SELECT seq, step_id FROM checkpoints WHERE run_id = $run ORDER BY seq;";
        command.Parameters.AddWithValue("$run", RunId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return list;
    }
}
