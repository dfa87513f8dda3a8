using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Checkpoints;

public sealed class StepRecordJsonTests
{
    [Fact]
    public void Serialize_FullRecord_ReadsBackEqualThroughTheStoreContext()
    {
        var record = DurableSamples.FullRecord();

        var compact = StepRecordJson.Serialize(record);
        var back = JsonSerializer.Deserialize(compact, DurableJsonContext.Default.StepRecord)!;

        Assert.Equal(JsonSerializer.Serialize(record, DurableJsonContext.Default.StepRecord), JsonSerializer.Serialize(back, DurableJsonContext.Default.StepRecord));
    }

    [Fact]
    public void Serialize_MinimalRecord_OmitsDefaultsAndEmptyLists_NormalizeRestoresEmptyLists()
    {
        var record = new StepRecord { StepId = "s", Status = StepStatus.Succeeded, Kind = StepKind.Tool };

        var compact = StepRecordJson.Serialize(record);
        var read = JsonSerializer.Deserialize(compact, DurableJsonContext.Default.StepRecord)!;
        var back = StepRecordJson.Normalize(read);

        Assert.Equal("""{"stepId":"s","kind":"tool","status":"succeeded"}""", compact);
        Assert.Equal(JsonSerializer.Serialize(record, DurableJsonContext.Default.StepRecord), JsonSerializer.Serialize(back, DurableJsonContext.Default.StepRecord));
        Assert.Empty(back.DependsOn);
        Assert.Empty(back.Files);
        Assert.Empty(back.SpawnedSteps);
        Assert.Empty(back.Failures);
        Assert.Empty(back.Decisions);
        Assert.Equal(TimeSpan.Zero, back.Duration);
    }

    [Fact]
    public void Serialize_Durations_AreWholeTicks_AndTheReaderTakesTicksOrTheSchemaV1Strings()
    {
        var record = new StepRecord { StepId = "s", Status = StepStatus.Succeeded, StartOffset = TimeSpan.FromTicks(1234567), Duration = TimeSpan.FromDays(2.25) };

        var compact = StepRecordJson.Serialize(record);
        var v1 = """{"stepId":"s","dependsOn":[],"kind":"llm","status":"succeeded","files":[],"startOffset":"00:00:00.1234567","duration":"2.06:00:00","spawnedSteps":[],"failures":[],"decisions":[]}""";

        Assert.Contains("\"startOffset\":1234567", compact, StringComparison.Ordinal);
        foreach (var json in new[] { compact, v1 })
        {
            var back = StepRecordJson.Normalize(JsonSerializer.Deserialize(json, DurableJsonContext.Default.StepRecord)!);
            Assert.Equal(TimeSpan.FromTicks(1234567), back.StartOffset);
            Assert.Equal(TimeSpan.FromDays(2.25), back.Duration);
        }

        var bad = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"stepId":"s","status":"succeeded","duration":true}""", DurableJsonContext.Default.StepRecord));
        Assert.Contains("ticks", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskGraphJson_OmitsDefaults_AndReadsBackEqualForEveryProperty()
    {
        var graph = DurableSamples.FullGraph();

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TaskGraphJson.Write(writer, graph);
        }

        var compact = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        var back = JsonSerializer.Deserialize(compact, DurableJsonContext.Default.TaskGraph)!;

        Assert.Contains("""{"id":"bare"}""", compact, StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(graph, DurableJsonContext.Default.TaskGraph), JsonSerializer.Serialize(back, DurableJsonContext.Default.TaskGraph));
        Assert.Empty(back.Steps[0].DependsOn);
        Assert.Empty(back.Steps[0].Gates);
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
