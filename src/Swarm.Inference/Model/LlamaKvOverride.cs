using System.Globalization;
using System.Text;

namespace Swarm.Inference;

/// <summary>Overrides one GGUF metadata value when a model is loaded (for example <c>llama.expert_used_count</c>).</summary>
/// <remarks>Immutable and thread-safe. Keys are at most 127 UTF-8 bytes, string values at most 127.</remarks>
public sealed class LlamaKvOverride
{
    private const int MaxBytes = 127;

    private LlamaKvOverride(string key, LlamaKvOverrideType type, long intValue, double floatValue, bool boolValue, string? stringValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Encoding.UTF8.GetByteCount(key) > MaxBytes)
        {
            throw new ArgumentException($"The metadata key '{key}' is longer than {MaxBytes} UTF-8 bytes.", nameof(key));
        }

        if (stringValue is not null && Encoding.UTF8.GetByteCount(stringValue) > MaxBytes)
        {
            throw new ArgumentException($"The override value for '{key}' is longer than {MaxBytes} UTF-8 bytes.", nameof(stringValue));
        }

        Key = key;
        Type = type;
        IntValue = intValue;
        FloatValue = floatValue;
        BoolValue = boolValue;
        StringValue = stringValue;
    }

    /// <summary>Gets the metadata key.</summary>
    public string Key { get; }

    /// <summary>Gets the value type.</summary>
    public LlamaKvOverrideType Type { get; }

    /// <summary>Gets the value when <see cref="Type"/> is <see cref="LlamaKvOverrideType.Integer"/>.</summary>
    public long IntValue { get; }

    /// <summary>Gets the value when <see cref="Type"/> is <see cref="LlamaKvOverrideType.FloatingPoint"/>.</summary>
    public double FloatValue { get; }

    /// <summary>Gets the value when <see cref="Type"/> is <see cref="LlamaKvOverrideType.Boolean"/>.</summary>
    public bool BoolValue { get; }

    /// <summary>Gets the value when <see cref="Type"/> is <see cref="LlamaKvOverrideType.Text"/>.</summary>
    public string? StringValue { get; }

    /// <summary>Creates an integer override.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The override.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or too long.</exception>
    public static LlamaKvOverride FromInteger(string key, long value) => new(key, LlamaKvOverrideType.Integer, value, 0, false, null);

    /// <summary>Creates a floating-point override.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The override.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or too long.</exception>
    public static LlamaKvOverride FromDouble(string key, double value) => new(key, LlamaKvOverrideType.FloatingPoint, 0, value, false, null);

    /// <summary>Creates a boolean override.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The override.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or too long.</exception>
    public static LlamaKvOverride FromBoolean(string key, bool value) => new(key, LlamaKvOverrideType.Boolean, 0, 0, value, null);

    /// <summary>Creates a string override.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The value (at most 127 UTF-8 bytes).</param>
    /// <returns>The override.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, or a string is too long.</exception>
    public static LlamaKvOverride FromString(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(key, LlamaKvOverrideType.Text, 0, 0, false, value);
    }

    /// <summary>Parses <c>key=type:value</c> (type <c>int</c>, <c>float</c>, <c>bool</c> or <c>str</c>), the form llama.cpp's <c>--override-kv</c> takes.</summary>
    /// <param name="text">The text, for example <c>llama.expert_used_count=int:1</c>.</param>
    /// <returns>The override.</returns>
    /// <exception cref="FormatException">The text is not in that form.</exception>
    public static LlamaKvOverride Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var colon = eq < 0 ? -1 : text.IndexOf(':', eq + 1);
        if (eq <= 0 || colon < 0)
        {
            throw new FormatException($"'{text}' is not a metadata override of the form key=int:1, key=float:0.5, key=bool:true or key=str:text.");
        }

        var key = text[..eq];
        var type = text[(eq + 1)..colon];
        var value = text[(colon + 1)..];
        return type switch
        {
            "int" => FromInteger(key, long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)),
            "float" => FromDouble(key, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)),
            "bool" => FromBoolean(key, bool.Parse(value)),
            "str" => FromString(key, value),
            _ => throw new FormatException($"'{type}' in '{text}' is not a metadata override type (int, float, bool, str)."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        LlamaKvOverrideType.Integer => string.Create(CultureInfo.InvariantCulture, $"{Key}=int:{IntValue}"),
        LlamaKvOverrideType.FloatingPoint => string.Create(CultureInfo.InvariantCulture, $"{Key}=float:{FloatValue}"),
        LlamaKvOverrideType.Boolean => string.Create(CultureInfo.InvariantCulture, $"{Key}=bool:{(BoolValue ? "true" : "false")}"),
        _ => $"{Key}=str:{StringValue}",
    };
}
