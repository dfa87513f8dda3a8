using System.Buffers;
using System.Text.Json;

namespace Swarm;

/// <summary>
/// The task graph as the SQLite store writes it since schema v3: a JSONB array (<see cref="JsonbWriter"/>)
/// <c>[id, goal, steps, budget?]</c> in which a step that sets no more than its id, role, instruction, dependencies, kind and
/// tool is the array <c>[id, role, instruction, dependsOn, kind, tool]</c> (kind as its enum number, null for no role or tool),
/// and any other step the named object of <see cref="TaskGraphJson"/>. Less than half the bytes of the named JSON for the
/// graphs a planner writes, and still readable by SQLite's JSON functions.
/// </summary>
/// <remarks>Thread-safe (stateless); the writer passed in is the caller's.</remarks>
internal static class TaskGraphJsonb
{
    /// <summary>Writes the graph as one JSONB array.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="graph">The graph.</param>
    public static void Write(JsonbWriter writer, TaskGraph graph)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(graph);
        var mark = writer.StartContainer();
        writer.WriteString(graph.Id);
        writer.WriteString(graph.Goal);
        var steps = writer.StartContainer();
        ArrayBufferWriter<byte>? scratch = null;
        Utf8JsonWriter? json = null;
        // Indexed loops: enumerating a list through its interface allocates an enumerator per step.
        var all = graph.Steps;
        for (var i = 0; i < all.Count; i++)
        {
            var step = all[i];
            if (IsPlain(step))
            {
                var fields = writer.StartContainer();
                writer.WriteString(step.Id);
                writer.WriteString(step.Role);
                writer.WriteString(step.Instruction);
                var dependsOn = writer.StartContainer();
                var ids = step.DependsOn;
                for (var d = 0; d < ids.Count; d++)
                {
                    writer.WriteString(ids[d]);
                }

                writer.EndContainer(dependsOn, JsonbWriter.Array);
                writer.WriteInt64((int)step.Kind);
                writer.WriteString(step.Tool);
                writer.EndContainer(fields, JsonbWriter.Array);
                continue;
            }

            scratch ??= new ArrayBufferWriter<byte>(1024);
            json ??= new Utf8JsonWriter(scratch, new JsonWriterOptions { SkipValidation = true, Encoder = DurableJsonContext.Default.Options.Encoder });
            scratch.ResetWrittenCount();
            json.Reset(scratch);
            TaskGraphJson.WriteStep(json, step);
            json.Flush();
            writer.WriteJson(scratch.WrittenSpan);
        }

        writer.EndContainer(steps, JsonbWriter.Array);
        if (graph.Budget is { } budget)
        {
            writer.WriteJson(JsonSerializer.SerializeToUtf8Bytes(budget, DurableJsonContext.Default.TaskBudget));
        }

        json?.Dispose();
        writer.EndContainer(mark, JsonbWriter.Array);
    }

    /// <summary>Reads a graph from the JSON text SQLite renders from its JSONB (<c>json(graph)</c>).</summary>
    /// <param name="json">The UTF-8 JSON text.</param>
    /// <returns>The graph.</returns>
    /// <exception cref="JsonException">The text is not a graph in this layout.</exception>
    public static TaskGraph Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (Next(ref reader) != JsonTokenType.StartArray)
        {
            throw new JsonException("The stored graph is not a JSON array.");
        }

        Next(ref reader);
        var graph = new TaskGraph { Id = reader.GetString() ?? string.Empty };
        Next(ref reader);
        graph.Goal = reader.GetString() ?? string.Empty;
        if (Next(ref reader) != JsonTokenType.StartArray)
        {
            throw new JsonException("The stored graph has no array of steps.");
        }

        var steps = new List<TaskStep>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            steps.Add(reader.TokenType switch
            {
                JsonTokenType.StartArray => ReadPlain(ref reader),
                JsonTokenType.StartObject => JsonSerializer.Deserialize(ref reader, DurableJsonContext.Default.TaskStep) ?? throw new JsonException("A stored step is null."),
                _ => throw new JsonException($"Step {steps.Count + 1} of the stored graph is neither an array nor an object."),
            });
        }

        graph.Steps = steps;
        if (Next(ref reader) == JsonTokenType.StartObject)
        {
            graph.Budget = JsonSerializer.Deserialize(ref reader, DurableJsonContext.Default.TaskBudget);
            Next(ref reader);
        }

        return reader.TokenType == JsonTokenType.EndArray ? graph : throw new JsonException("The stored graph has more fields than this version of Swarm reads.");
    }

    /// <summary>Gets whether the step takes the array form: it sets nothing but its id, role, instruction, dependencies, kind and tool.</summary>
    /// <param name="step">The step.</param>
    /// <returns><see langword="true"/> for the array form.</returns>
    internal static bool IsPlain(TaskStep step) =>
        step.Args is null && step.Gates is not { Count: > 0 } && step.Timeout is null && step.MaxAttempts is null &&
        step.Risk == default && step.TaskType is null && step.Graph is null && step.Cache is null && step.DependsOn is not null;

    private static TaskStep ReadPlain(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        var step = new TaskStep { Id = reader.GetString() ?? throw new JsonException("A stored step has no id.") };
        step.Role = NextString(ref reader);
        step.Instruction = NextString(ref reader) ?? string.Empty;
        if (Next(ref reader) != JsonTokenType.StartArray)
        {
            throw new JsonException($"Stored step '{step.Id}' has no array of dependencies.");
        }

        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            step.DependsOn.Add(reader.GetString() ?? throw new JsonException($"Stored step '{step.Id}' depends on a null step id."));
        }

        Next(ref reader);
        step.Kind = (StepKind)reader.GetInt32();
        step.Tool = NextString(ref reader);
        return Next(ref reader) == JsonTokenType.EndArray ? step : throw new JsonException($"Stored step '{step.Id}' has more fields than this version of Swarm reads.");
    }

    private static string? NextString(ref Utf8JsonReader reader) => Next(ref reader) == JsonTokenType.Null ? null : reader.GetString();

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The stored graph ends in the middle of a value.");
}
