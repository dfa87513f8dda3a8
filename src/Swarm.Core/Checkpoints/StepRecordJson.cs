using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Swarm;

/// <summary>
/// Writes a <see cref="StepRecord"/> as the compact JSON the SQLite store keeps per checkpoint: the property names of
/// <see cref="DurableJsonContext"/> (which reads it back), without the values that hold their default (zero durations, no
/// attempts, null strings, empty lists), durations as whole ticks, written straight to a reused UTF-8 buffer. The
/// source-generated reader sets an absent init-only list to <see langword="null"/>, so what it reads goes through
/// <see cref="Normalize"/>. Lists of nested objects (spawned steps, failures, decisions) and nested run metrics go through the
/// source-generated serializer.
/// </summary>
/// <remarks>Thread-safe: each thread reuses its own buffer.</remarks>
internal static class StepRecordJson
{
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_writer;

    private static readonly JsonEncodedText StepId = JsonEncodedText.Encode("stepId");
    private static readonly JsonEncodedText ParentStepId = JsonEncodedText.Encode("parentStepId");
    private static readonly JsonEncodedText DependsOn = JsonEncodedText.Encode("dependsOn");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");
    private static readonly JsonEncodedText Output = JsonEncodedText.Encode("output");
    private static readonly JsonEncodedText Files = JsonEncodedText.Encode("files");
    private static readonly JsonEncodedText StartOffset = JsonEncodedText.Encode("startOffset");
    private static readonly JsonEncodedText Duration = JsonEncodedText.Encode("duration");
    private static readonly JsonEncodedText WorkDuration = JsonEncodedText.Encode("workDuration");
    private static readonly JsonEncodedText SpawnedSteps = JsonEncodedText.Encode("spawnedSteps");
    private static readonly JsonEncodedText Failures = JsonEncodedText.Encode("failures");
    private static readonly JsonEncodedText Decisions = JsonEncodedText.Encode("decisions");
    private static readonly JsonEncodedText SubRun = JsonEncodedText.Encode("subRun");
    private static readonly JsonEncodedText[] KindNames = Names<StepKind>();
    private static readonly JsonEncodedText[] StatusNames = Names<StepStatus>();

    /// <summary>Serializes the record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(StepRecord record) => Encoding.UTF8.GetString(SerializeToUtf8(record));

    /// <summary>Serializes the record to UTF-8 (what SQLite stores; no UTF-16 string in between).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The JSON as UTF-8 bytes.</returns>
    public static byte[] SerializeToUtf8(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (buffer, writer) = t_writer ??= CreateWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, record);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            // A record with a huge output: do not keep its buffer alive on this thread.
            t_writer = null;
        }

        return bytes;
    }

    /// <summary>Gets whether the record sets any of the fields that <see cref="SerializeExtras"/> writes.</summary>
    /// <param name="record">The record.</param>
    /// <returns><see langword="true"/> when it has a parent, files, spawned steps, failures, decisions or a nested run.</returns>
    internal static bool HasExtras(StepRecord record) =>
        record.ParentStepId is not null || record.Files is { Count: > 0 } || record.SpawnedSteps is { Count: > 0 } ||
        record.Failures is { Count: > 0 } || record.Decisions is { Count: > 0 } || record.SubRun is not null;

    /// <summary>
    /// Writes the JSON object of the record's less common fields (parent step, files, spawned steps, failures, decisions, nested
    /// run; the names and shapes of the full record) into this thread's buffer.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <returns>The UTF-8 JSON, valid until this thread serializes again.</returns>
    internal static ReadOnlySpan<byte> SerializeExtras(StepRecord record)
    {
        var (buffer, writer) = t_writer ??= CreateWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        WriteExtraFields(writer, record);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>Writes the less common fields: parent step, files, spawned steps, failures, decisions, nested run.</summary>
    private static void WriteExtraFields(Utf8JsonWriter writer, StepRecord record)
    {
        if (record.ParentStepId is { } parent)
        {
            writer.WriteString(ParentStepId, parent);
        }

        WriteStrings(writer, Files, record.Files);
        WriteObjects(writer, SpawnedSteps, record.SpawnedSteps);
        WriteObjects(writer, Failures, record.Failures);
        WriteObjects(writer, Decisions, record.Decisions);
        if (record.SubRun is { } subRun)
        {
            writer.WritePropertyName(SubRun);
            JsonSerializer.Serialize(writer, subRun, DurableJsonContext.Default.SwarmRunMetrics);
        }
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) CreateWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        return (buffer, new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = DurableJsonContext.Default.Options.Encoder }));
    }

    private static void Write(Utf8JsonWriter writer, StepRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString(StepId, record.StepId);
        WriteStrings(writer, DependsOn, record.DependsOn);
        writer.WriteString(Kind, Name(KindNames, (int)record.Kind, record.Kind));
        if (record.Role is { } role)
        {
            writer.WriteString(Role, role);
        }

        writer.WriteString(Status, Name(StatusNames, (int)record.Status, record.Status));
        if (record.Attempts != 0)
        {
            writer.WriteNumber(Attempts, record.Attempts);
        }

        if (record.Output is { } output)
        {
            writer.WriteString(Output, output);
        }

        WriteTime(writer, StartOffset, record.StartOffset);
        WriteTime(writer, Duration, record.Duration);
        WriteTime(writer, WorkDuration, record.WorkDuration);
        WriteExtraFields(writer, record);
        writer.WriteEndObject();
    }

    /// <summary>Returns the record with every list it was read without set to an empty list (the record itself when none is missing).</summary>
    /// <param name="record">A record as the source-generated reader returned it.</param>
    /// <returns>The record, complete.</returns>
    public static StepRecord Normalize(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
#pragma warning disable CA1508 // The reader leaves absent init-only lists null despite their non-nullable declarations.
        if (record.DependsOn is not null && record.Files is not null && record.SpawnedSteps is not null && record.Failures is not null && record.Decisions is not null)
        {
            return record;
        }

        return new StepRecord
        {
            StepId = record.StepId,
            ParentStepId = record.ParentStepId,
            DependsOn = record.DependsOn ?? [],
            Kind = record.Kind,
            Role = record.Role,
            Status = record.Status,
            Attempts = record.Attempts,
            Output = record.Output,
            Files = record.Files ?? [],
            StartOffset = record.StartOffset,
            Duration = record.Duration,
            WorkDuration = record.WorkDuration,
            SpawnedSteps = record.SpawnedSteps ?? [],
            Failures = record.Failures ?? [],
            Decisions = record.Decisions ?? [],
            SubRun = record.SubRun,
        };
#pragma warning restore CA1508
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<string>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            writer.WriteStringValue(values![i]);
        }

        writer.WriteEndArray();
    }

    private static void WriteObjects<T>(Utf8JsonWriter writer, JsonEncodedText name, IReadOnlyList<T>? values)
    {
        if (values is null || values.Count == 0)
        {
            return;
        }

        writer.WritePropertyName(name);
        JsonSerializer.Serialize(writer, values, (JsonTypeInfo<IReadOnlyList<T>>)DurableJsonContext.Default.GetTypeInfo(typeof(IReadOnlyList<T>))!);
    }

    private static void WriteTime(Utf8JsonWriter writer, JsonEncodedText name, TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return;
        }

        // Whole ticks: a third of the constant ("c") string format; DurableTimeSpanConverter reads both.
        writer.WriteNumber(name, value.Ticks);
    }

    internal static JsonEncodedText Name<TEnum>(JsonEncodedText[] names, int index, TEnum value)
        where TEnum : struct, Enum
    {
        return (uint)index < (uint)names.Length && names[index].EncodedUtf8Bytes.Length > 0
            ? names[index]
            : JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
    }

    internal static JsonEncodedText[] Names<TEnum>()
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var names = new JsonEncodedText[max + 1];
        foreach (var value in values)
        {
            names[Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)] = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
        }

        return names;
    }
}
