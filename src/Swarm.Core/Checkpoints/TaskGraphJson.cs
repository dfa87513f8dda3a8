using System.Text.Json;

namespace Swarm;

/// <summary>
/// Writes a <see cref="TaskGraph"/> as the compact JSON the SQLite store keeps per run: the property names and value formats of
/// <see cref="DurableJsonContext"/> (which reads it back), without the properties that hold their default (empty lists, null
/// values, empty instructions, the default kind and risk). The source-generated reader leaves an absent property of a
/// <see cref="TaskStep"/> at its initializer, so the graph read back equals the graph written.
/// </summary>
/// <remarks>Thread-safe (stateless).</remarks>
internal static class TaskGraphJson
{
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Goal = JsonEncodedText.Encode("goal");
    private static readonly JsonEncodedText Steps = JsonEncodedText.Encode("steps");
    private static readonly JsonEncodedText Budget = JsonEncodedText.Encode("budget");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Instruction = JsonEncodedText.Encode("instruction");
    private static readonly JsonEncodedText DependsOn = JsonEncodedText.Encode("dependsOn");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText Tool = JsonEncodedText.Encode("tool");
    private static readonly JsonEncodedText Args = JsonEncodedText.Encode("args");
    private static readonly JsonEncodedText Gates = JsonEncodedText.Encode("gates");
    private static readonly JsonEncodedText Timeout = JsonEncodedText.Encode("timeout");
    private static readonly JsonEncodedText MaxAttempts = JsonEncodedText.Encode("maxAttempts");
    private static readonly JsonEncodedText Risk = JsonEncodedText.Encode("risk");
    private static readonly JsonEncodedText TaskType = JsonEncodedText.Encode("taskType");
    private static readonly JsonEncodedText Graph = JsonEncodedText.Encode("graph");
    private static readonly JsonEncodedText Cache = JsonEncodedText.Encode("cache");
    private static readonly JsonEncodedText[] KindNames = StepRecordJson.Names<StepKind>();
    private static readonly JsonEncodedText[] RiskNames = StepRecordJson.Names<RiskLevel>();

    /// <summary>Writes the graph.</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="graph">The graph.</param>
    public static void Write(Utf8JsonWriter writer, TaskGraph graph)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(graph);
        writer.WriteStartObject();
        writer.WriteString(Id, graph.Id);
        writer.WriteString(Goal, graph.Goal);
        writer.WriteStartArray(Steps);
        foreach (var step in graph.Steps)
        {
            WriteStep(writer, step);
        }

        writer.WriteEndArray();
        if (graph.Budget is { } budget)
        {
            writer.WritePropertyName(Budget);
            JsonSerializer.Serialize(writer, budget, DurableJsonContext.Default.TaskBudget);
        }

        writer.WriteEndObject();
    }

    internal static void WriteStep(Utf8JsonWriter writer, TaskStep step)
    {
        writer.WriteStartObject();
        writer.WriteString(Id, step.Id);
        if (step.Role is { } role)
        {
            writer.WriteString(Role, role);
        }

        if (step.Instruction is { Length: > 0 } instruction)
        {
            writer.WriteString(Instruction, instruction);
        }

        WriteStrings(writer, DependsOn, step.DependsOn);
        if (step.Kind != default)
        {
            writer.WriteString(Kind, StepRecordJson.Name(KindNames, (int)step.Kind, step.Kind));
        }

        if (step.Tool is { } tool)
        {
            writer.WriteString(Tool, tool);
        }

        if (step.Args is { } args)
        {
            writer.WritePropertyName(Args);
            JsonSerializer.Serialize(writer, args, DurableJsonContext.Default.IDictionaryStringString);
        }

        WriteStrings(writer, Gates, step.Gates);
        if (step.Timeout is { } timeout)
        {
            writer.WritePropertyName(Timeout);
            JsonSerializer.Serialize(writer, timeout, DurableJsonContext.Default.TimeSpan);
        }

        if (step.MaxAttempts is { } maxAttempts)
        {
            writer.WriteNumber(MaxAttempts, maxAttempts);
        }

        if (step.Risk != default)
        {
            writer.WriteString(Risk, StepRecordJson.Name(RiskNames, (int)step.Risk, step.Risk));
        }

        if (step.TaskType is { } taskType)
        {
            writer.WriteString(TaskType, taskType);
        }

        if (step.Graph is { } graph)
        {
            writer.WritePropertyName(Graph);
            Write(writer, graph);
        }

        if (step.Cache is { } cache)
        {
            writer.WritePropertyName(Cache);
            JsonSerializer.Serialize(writer, cache, DurableJsonContext.Default.StepCachePolicy);
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, IList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
