using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Swarm.Core.Tests.TaskIR;

public sealed class TaskGraphSerializerTests
{
    private const string Sample = """
        {
          "id": "research",
          "goal": "Summarize the sources",
          "budget": { "maxSteps": 20, "maxDuration": "00:05:00" },
          "steps": [
            { "id": "search", "role": "worker", "kind": "tool", "tool": "web", "args": { "q": "swarms" }, "timeout": "00:00:30" },
            { "id": "summary", "role": "worker", "instruction": "Summarize", "dependsOn": ["search"], "gates": ["schema"], "maxAttempts": 3, "risk": "medium", "taskType": "summarize" },
            { "id": "sub", "kind": "graph", "dependsOn": ["summary"], "graph": { "id": "inner", "steps": [ { "id": "a" } ] } }
          ]
        }
        """;

    [Fact]
    public void Deserialize_CamelCaseJson_ReadsEveryField()
    {
        var graph = TaskGraphSerializer.Deserialize(Sample);

        Assert.Equal("research", graph.Id);
        Assert.Equal(20, graph.Budget!.MaxSteps);
        Assert.Equal(TimeSpan.FromMinutes(5), graph.Budget.MaxDuration);
        var search = graph.Steps[0];
        Assert.Equal(StepKind.Tool, search.Kind);
        Assert.Equal("web", search.Tool);
        Assert.Equal("swarms", search.Args!["q"]);
        Assert.Equal(TimeSpan.FromSeconds(30), search.Timeout);
        var summary = graph.Steps[1];
        Assert.Equal(["search"], summary.DependsOn);
        Assert.Equal(["schema"], summary.Gates);
        Assert.Equal(3, summary.MaxAttempts);
        Assert.Equal(RiskLevel.Medium, summary.Risk);
        Assert.Equal("summarize", summary.TaskType);
        Assert.Equal(StepKind.Graph, graph.Steps[2].Kind);
        Assert.Equal("a", graph.Steps[2].Graph!.Steps[0].Id);
    }

    [Fact]
    public void Serialize_Graph_WritesCamelCaseAndLowercaseEnumsAndRoundTrips()
    {
        var graph = TaskGraphSerializer.Deserialize(Sample);

        var json = TaskGraphSerializer.Serialize(graph);

        Assert.Contains("\"dependsOn\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"tool\"", json, StringComparison.Ordinal);
        Assert.Contains("\"risk\": \"medium\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Id\"", json, StringComparison.Ordinal);
        Assert.Equal(json, TaskGraphSerializer.Serialize(TaskGraphSerializer.Deserialize(json)));
    }

    [Fact]
    public void Deserialize_MalformedJson_ThrowsWithLineAndPosition()
    {
        var json = "{\n  \"id\": \"g\",\n  \"steps\": [ { \"id\": \"a\" ,, } ]\n}";

        var ex = Assert.Throws<TaskGraphFormatException>(() => TaskGraphSerializer.Deserialize(json));

        Assert.Equal(3, ex.LineNumber);
        Assert.NotNull(ex.BytePositionInLine);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(ex.InnerException);
    }

    [Fact]
    public void Deserialize_UnknownKind_ThrowsNamingThePath()
    {
        var ex = Assert.Throws<TaskGraphFormatException>(() => TaskGraphSerializer.Deserialize("""{ "id": "g", "steps": [ { "id": "a", "kind": "teleport" } ] }"""));

        Assert.Contains("kind", ex.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_Null_ThrowsFormatException()
    {
        Assert.Throws<TaskGraphFormatException>(() => TaskGraphSerializer.Deserialize("null"));
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_RoundTripsThroughAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-{Guid.NewGuid():N}.json");
        try
        {
            await TaskGraphSerializer.SaveAsync(TaskGraphSerializer.Deserialize(Sample), path);

            var loaded = await TaskGraphSerializer.LoadAsync(path);

            Assert.Equal(3, loaded.Steps.Count);
            Assert.Equal("inner", loaded.Steps[2].Graph!.Id);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task LoadAsync_MalformedFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"swarm-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{ \"id\": ");
        try
        {
            var ex = await Assert.ThrowsAsync<TaskGraphFormatException>(() => TaskGraphSerializer.LoadAsync(path));

            Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(typeof(TaskGraph), "")]
    [InlineData(typeof(TaskStep), "step")]
    [InlineData(typeof(TaskBudget), "budget")]
    public void Schema_AgreesWithModel_EveryPropertyBothWays(Type type, string definition)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "taskgraph.schema.json")))!;
        var node = definition.Length == 0 ? schema : schema["$defs"]![definition]!;
        var schemaProperties = node["properties"]!.AsObject().Select(p => p.Key).Order().ToList();

        var modelProperties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order().ToList();

        Assert.Equal(modelProperties, schemaProperties);
    }

    [Fact]
    public void Schema_EnumValues_MatchTheSerializedEnums()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "taskgraph.schema.json")))!;
        var step = schema["$defs"]!["step"]!["properties"]!;

        var kinds = step["kind"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        var risks = step["risk"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();

        Assert.Equal(Enum.GetNames<StepKind>().Select(JsonNamingPolicy.CamelCase.ConvertName), kinds);
        Assert.Equal(Enum.GetNames<RiskLevel>().Select(JsonNamingPolicy.CamelCase.ConvertName), risks);
        foreach (var kind in kinds)
        {
            var graph = TaskGraphSerializer.Deserialize($$"""{ "id": "g", "steps": [ { "id": "a", "kind": "{{kind}}" } ] }""");
            Assert.Equal(kind, JsonNamingPolicy.CamelCase.ConvertName(graph.Steps[0].Kind.ToString()));
        }
    }
}
