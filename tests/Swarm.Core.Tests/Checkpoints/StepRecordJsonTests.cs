using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Checkpoints;

public sealed class StepRecordJsonTests
{
    [Fact]
    public void Serialize_FullRecord_ReadsBackEqualThroughTheStoreContext()
    {
        var record = new StepRecord
        {
            StepId = "s1",
            ParentStepId = "p",
            DependsOn = ["a", "b"],
            Kind = StepKind.Procedure,
            Role = "coder",
            Status = StepStatus.Failed,
            Attempts = 3,
            Output = "line 1\n\"quoted\" <tag> & é ✓",
            Files = ["out/a.txt", "b.sh"],
            StartOffset = TimeSpan.FromMilliseconds(12.3456),
            Duration = TimeSpan.FromDays(1.5),
            WorkDuration = TimeSpan.FromTicks(7),
            SpawnedSteps = [Tool("child", "noop", "a")],
            Failures = [new StepFailure { StepId = "s1", Attempt = 1, Category = FailureCategory.Code, Message = "boom", Role = "coder" }],
            Decisions = [new FailureDecision(FailureAction.Escalate, "architect", "try harder", "code failed twice")],
            SubRun = new SwarmRunMetrics { TotalSteps = 4, CriticalSteps = 2, Parallelism = 2, CriticalPath = ["x", "y"], WallTime = TimeSpan.FromSeconds(3) },
        };

        var compact = StepRecordJson.Serialize(record);
        var back = JsonSerializer.Deserialize(compact, DurableJsonContext.Default.StepRecord)!;

        Assert.Equal(JsonSerializer.Serialize(record, DurableJsonContext.Default.StepRecord), JsonSerializer.Serialize(back, DurableJsonContext.Default.StepRecord));
    }

    [Fact]
    public void Serialize_MinimalRecord_OmitsDefaultScalarsKeepsEmptyListsAndReadsBackEqual()
    {
        var record = new StepRecord { StepId = "s", Status = StepStatus.Succeeded, Kind = StepKind.Tool };

        var compact = StepRecordJson.Serialize(record);
        var back = JsonSerializer.Deserialize(compact, DurableJsonContext.Default.StepRecord)!;

        Assert.Equal("""{"stepId":"s","dependsOn":[],"kind":"tool","status":"succeeded","files":[],"spawnedSteps":[],"failures":[],"decisions":[]}""", compact);
        Assert.Equal(JsonSerializer.Serialize(record, DurableJsonContext.Default.StepRecord), JsonSerializer.Serialize(back, DurableJsonContext.Default.StepRecord));
        Assert.Empty(back.DependsOn);
        Assert.Empty(back.Failures);
        Assert.Equal(TimeSpan.Zero, back.Duration);
    }

    [Fact]
    public async Task SaveStepAsync_AfterReopen_ContinuesTheCheckpointSequence()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var options = new CheckpointOptions { Path = path };
        await using (var store = SqliteCheckpointStore.Open(options, TimeProvider.System, NullLogger.Instance))
        {
            await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = Graph(Step("a")), Status = SwarmRunStatus.Running });
            await store.SaveStepAsync("r", new StepRecord { StepId = "a", Status = StepStatus.Succeeded });
            await store.SaveStepAsync("r", new StepRecord { StepId = "b", Status = StepStatus.Succeeded });
        }

        await using (var reopened = SqliteCheckpointStore.Open(options, TimeProvider.System, NullLogger.Instance))
        {
            await reopened.SaveStepAsync("r", new StepRecord { StepId = "c", Status = StepStatus.Succeeded });
            var checkpoints = await reopened.ListCheckpointsAsync("r", CancellationToken.None);
            Assert.Equal([1, 2, 3], checkpoints.Select(c => c.Sequence));
            Assert.Equal(["a", "b", "c"], checkpoints.Select(c => c.StepId));
        }
    }
}
