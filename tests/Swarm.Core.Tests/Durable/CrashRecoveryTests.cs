using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Swarm.Core.Tests.Durable;

/// <summary>
/// Real process kills: the crash host runs a 1,500-call swarm (100 agents x 15 tool calls) against a SQLite checkpoint file; the
/// test SIGKILLs it at random points, starts it again (it resumes), and repeats until the run is done.
/// Profile: SWARM_CRASH_KILLS (default 10, the quick CI profile; 50 or more for the full profile); SWARM_CRASH_SEED to replay.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Agents = 100;
    private const int Calls = 15;
    private const string RunId = "crash-run";
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ResumeAsync_KilledAtRandomPoints_LosesNoCompletedStepAndRunsNoneTwice()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("SWARM_CRASH_KILLS"), CultureInfo.InvariantCulture, out var k) && k > 0 ? k : 10;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SWARM_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        const int total = Agents * Calls;
        using var dir = new TempDirectory();

        // The reference: the same swarm, never interrupted.
        var referenceDb = dir.File("reference.db");
        using (var reference = CrashHostProcess.Start(dir.Path, "swarm", "--db", referenceDb, "--log", dir.File("reference.log"), "--epoch", "0"))
        {
            Assert.Contains("DONE Succeeded", await reference.WaitForExitAsync(ProcessLimit), StringComparison.Ordinal);
        }

        var expected = ReadOutputs(referenceDb);
        Assert.Equal(total, expected.Count);

        var db = dir.File("crash.db");
        var log = dir.File("executions.log");
        var checkpointedIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var previous = new HashSet<string>(StringComparer.Ordinal);
        var killsDone = 0;
        var resumes = 0;
        var epoch = 0;
        var killedWithProgress = 0;
        while (true)
        {
            // Tool calls take 10 ms, 8 at a time (about 2 s for the whole swarm): a run lasts long enough for kills at chosen
            // points, at any stage of a step, even when this test polls slowly on a loaded machine. (Completions do not wait
            // for their commit, so without paced tools the swarm finishes in a fraction of a second.)
            using var host = CrashHostProcess.Start(dir.Path, "swarm", "--db", db, "--log", log, "--epoch", epoch.ToString(CultureInfo.InvariantCulture), "--tool-ms", "10", "--tool-slots", "8");
            if (epoch > 0)
            {
                resumes++;
            }

            if (killsDone < kills)
            {
                // Kill when the execution log has grown by a random share of the work left (some kills land during start-up).
                var remaining = total - previous.Count;
                var target = CountLines(log) + random.Next(0, Math.Max(1, remaining / (kills - killsDone + 1)));
                while (!host.HasExited && CountLines(log) < target)
                {
                    await Task.Delay(1);
                }

                Assert.False(host.HasExited, $"The run finished before kill {killsDone + 1} (target {target} executions); output:\n{string.Join('\n', host.Lines)}");
                host.Kill();
                killsDone++;
            }
            else
            {
                Assert.Contains("DONE Succeeded", await host.WaitForExitAsync(ProcessLimit), StringComparison.Ordinal);
            }

            // What the checkpoint file holds now: never less than before (0 lost), each step at most once.
            var now = ReadCheckpointedSteps(db);
            Assert.True(previous.IsSubsetOf(now), $"Epoch {epoch}: {previous.Except(now).Count()} completed step(s) lost, e.g. {previous.Except(now).FirstOrDefault()}.");
            foreach (var step in now.Except(previous))
            {
                checkpointedIn[step] = epoch;
            }

            if (now.Count > previous.Count && now.Count < total)
            {
                killedWithProgress++;
            }

            previous = now;
            if (host.HasExited && killsDone >= kills && now.Count == total)
            {
                break;
            }

            Assert.True(now.Count < total || killsDone >= kills, $"Kill {killsDone} came after the run had completed; the kill points are not inside the run.");
            epoch++;
        }

        // Every execution of a step after the epoch in which its completion was checkpointed is a completed step run twice.
        var executions = (await File.ReadAllLinesAsync(log)).Select(line => line.Split('\t')).Select(p => (Step: p[0], Epoch: int.Parse(p[2], CultureInfo.InvariantCulture))).ToList();
        var duplicates = executions.Count(e => checkpointedIn.TryGetValue(e.Step, out var at) && e.Epoch > at);
        var neverExecuted = checkpointedIn.Keys.Count(step => !executions.Exists(e => e.Step == step));
        var inFlightReruns = executions.Count - executions.Select(e => e.Step).Distinct(StringComparer.Ordinal).Count();
        var actual = ReadOutputs(db);
        var differing = expected.Count(pair => !actual.TryGetValue(pair.Key, out var value) || value != pair.Value);

        output.WriteLine($"seed {seed}: kills {killsDone}, resumes {resumes}, kills after progress {killedWithProgress}, steps {total}, checkpointed {checkpointedIn.Count}, " +
            $"tool executions {executions.Count}, idempotent re-runs of in-flight steps {inFlightReruns}, completed steps run twice {duplicates}, completed steps lost 0, outputs differing {differing}");

        Assert.Equal(kills, killsDone);
        Assert.Equal(kills, resumes);
        Assert.Equal(total, checkpointedIn.Count);
        Assert.Equal(0, duplicates);
        Assert.Equal(0, neverExecuted);
        Assert.Equal(0, differing);
        Assert.Equal(total, actual.Count);
        Assert.True(killedWithProgress > 0, "No kill landed between the first and the last checkpoint; the test proved nothing.");
    }

    private static int CountLines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        var count = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }

    private static HashSet<string> ReadCheckpointedSteps(string db)
    {
        var steps = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(db))
        {
            return steps;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT step_id, status FROM checkpoints WHERE run_id = $run;";
        command.Parameters.AddWithValue("$run", RunId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Assert.Equal((int)StepStatus.Succeeded, reader.GetInt32(1));
            Assert.True(steps.Add(reader.GetString(0)), $"Step {reader.GetString(0)} was checkpointed twice: it ran again after its completion was stored.");
        }

        return steps;
    }

    private static Dictionary<string, string?> ReadOutputs(string db)
    {
        var outputs = new Dictionary<string, string?>(StringComparer.Ordinal);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT step_id, record FROM checkpoints WHERE run_id = $run;";
        command.Parameters.AddWithValue("$run", RunId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var json = JsonDocument.Parse(reader.GetString(1));
            outputs[reader.GetString(0)] = json.RootElement.TryGetProperty("output", out var value) ? value.GetString() : null;
        }

        return outputs;
    }
}
