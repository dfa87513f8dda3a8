using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Swarm;

/// <summary>
/// The step record as the SQLite store writes it since schema v3: a JSONB array (<see cref="JsonbWriter"/>) whose elements are
/// the fields by position, not an object with a name per field — a fifth of the bytes of the named JSON, and still readable by
/// SQLite's JSON functions (the <c>checkpoints</c> view renders it as the named object):
/// <c>[stepId, status, kind, attempts, output, startOffset, duration, workDuration, role, dependsOn?, extras?]</c>, with status
/// and kind as their enum numbers, times as ticks, null for no output or role; <c>dependsOn</c> (an array of step ids) is left
/// out when empty and nothing follows; <c>extras</c> is an object of the less common fields under the names of the full record
/// (<see cref="StepRecordJson.SerializeExtras"/>), left out when none is set.
/// </summary>
/// <remarks>Thread-safe: each thread reuses its own buffer.</remarks>
internal static class StepRecordJsonb
{
    [ThreadStatic]
    private static JsonbWriter? t_writer;

    /// <summary>Encodes the record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The JSONB bytes.</returns>
    public static byte[] Encode(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var writer = t_writer ??= new JsonbWriter();
        writer.Reset();
        Write(writer, record);
        var bytes = writer.WrittenSpan.ToArray();
        if (writer.Capacity > 64 * 1024)
        {
            // A record with a huge output: do not keep its buffer alive on this thread.
            t_writer = null;
        }

        return bytes;
    }

    /// <summary>Writes the record as one JSONB array.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="record">The record.</param>
    public static void Write(JsonbWriter writer, StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        var mark = writer.StartContainer();
        writer.WriteString(record.StepId);
        writer.WriteInt64((int)record.Status);
        writer.WriteInt64((int)record.Kind);
        writer.WriteInt64(record.Attempts);
        writer.WriteString(record.Output);
        writer.WriteInt64(record.StartOffset.Ticks);
        writer.WriteInt64(record.Duration.Ticks);
        writer.WriteInt64(record.WorkDuration.Ticks);
        writer.WriteString(record.Role);
        var extras = StepRecordJson.HasExtras(record);
        if (record.DependsOn is { Count: > 0 } || extras)
        {
            var dependsOn = writer.StartContainer();
            var ids = record.DependsOn ?? [];
            for (var i = 0; i < ids.Count; i++)
            {
                writer.WriteString(ids[i]);
            }

            writer.EndContainer(dependsOn, JsonbWriter.Array);
        }

        if (extras)
        {
            writer.WriteJson(StepRecordJson.SerializeExtras(record));
        }

        writer.EndContainer(mark, JsonbWriter.Array);
    }

    /// <summary>Reads an array of records from the JSON text SQLite renders from their JSONB (<c>json(records)</c>).</summary>
    /// <param name="json">The UTF-8 JSON text.</param>
    /// <returns>The records, in order.</returns>
    /// <exception cref="JsonException">The text is not an array of positional step records.</exception>
    public static List<StepRecord> ReadArray(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("The step records are not a JSON array.");
        }

        var records = new List<StepRecord>();
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"Step record {records.Count + 1} is not an array of fields.");
            }

            records.Add(ReadRecord(ref reader));
        }

        return records;
    }

    private static StepRecord ReadRecord(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        var stepId = reader.GetString() ?? throw new JsonException("A step record has no step id.");
        Next(ref reader);
        var status = (StepStatus)reader.GetInt32();
        Next(ref reader);
        var kind = (StepKind)reader.GetInt32();
        Next(ref reader);
        var attempts = reader.GetInt32();
        var output = NextString(ref reader);
        Next(ref reader);
        var startOffset = TimeSpan.FromTicks(reader.GetInt64());
        Next(ref reader);
        var duration = TimeSpan.FromTicks(reader.GetInt64());
        Next(ref reader);
        var work = TimeSpan.FromTicks(reader.GetInt64());
        var role = NextString(ref reader);
        IReadOnlyList<string> dependsOn = [];
        string? parent = null;
        IReadOnlyList<string> files = [];
        IReadOnlyList<TaskStep> spawned = [];
        IReadOnlyList<StepFailure> failures = [];
        IReadOnlyList<FailureDecision> decisions = [];
        SwarmRunMetrics? subRun = null;
        if (Next(ref reader) == JsonTokenType.StartArray)
        {
            var ids = new List<string>();
            while (Next(ref reader) != JsonTokenType.EndArray)
            {
                ids.Add(reader.GetString() ?? throw new JsonException($"Step '{stepId}' depends on a null step id."));
            }

            dependsOn = ids;
            Next(ref reader);
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                Next(ref reader);
                switch (name)
                {
                    case "parentStepId":
                        parent = reader.GetString();
                        break;
                    case "files":
                        files = Read<string>(ref reader);
                        break;
                    case "spawnedSteps":
                        spawned = Read<TaskStep>(ref reader);
                        break;
                    case "failures":
                        failures = Read<StepFailure>(ref reader);
                        break;
                    case "decisions":
                        decisions = Read<FailureDecision>(ref reader);
                        break;
                    case "subRun":
                        subRun = JsonSerializer.Deserialize(ref reader, DurableJsonContext.Default.SwarmRunMetrics);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            Next(ref reader);
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException($"The record of step '{stepId}' has more fields than this version of Swarm reads.");
        }

        return new StepRecord
        {
            StepId = stepId,
            ParentStepId = parent,
            DependsOn = dependsOn,
            Kind = kind,
            Role = role,
            Status = status,
            Attempts = attempts,
            Output = output,
            Files = files,
            StartOffset = startOffset,
            Duration = duration,
            WorkDuration = work,
            SpawnedSteps = spawned,
            Failures = failures,
            Decisions = decisions,
            SubRun = subRun,
        };
    }

    private static IReadOnlyList<T> Read<T>(ref Utf8JsonReader reader) =>
        JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<IReadOnlyList<T>>)DurableJsonContext.Default.GetTypeInfo(typeof(IReadOnlyList<T>))!) ?? [];

    private static string? NextString(ref Utf8JsonReader reader) => Next(ref reader) == JsonTokenType.Null ? null : reader.GetString();

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The step records end in the middle of a record.");
}
