using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Swarm;

/// <summary>
/// Reads a <see cref="TimeSpan"/> of the checkpoint store's JSON as either a string in the constant ("c") format, as
/// System.Text.Json writes it (schema v1 records, graphs, metrics), or a number of whole ticks (schema v2 step records);
/// writes the string format.
/// </summary>
internal sealed class DurableTimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return TimeSpan.FromTicks(reader.GetInt64());
        }

        if (reader.TokenType == JsonTokenType.String && TimeSpan.TryParseExact(reader.GetString(), "c", CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw new JsonException($"A duration must be a number of ticks or a string in the format [-][d.]hh:mm:ss[.fffffff]; found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var written, "c", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..written]);
    }
}
