using System.Collections;
using System.Globalization;
using System.Text;

namespace Swarm.Inference.Gguf;

/// <summary>A typed GGUF metadata value. The exact on-disk type is kept: a <see cref="GgufValueType.UInt32"/> read
/// from a file is written back as <see cref="GgufValueType.UInt32"/>.</summary>
/// <remarks>Immutable and thread-safe. Arrays of scalars are held as typed .NET arrays (<c>uint[]</c>, <c>string[]</c>, ...);
/// an array of arrays as <see cref="GgufValue"/>[] whose elements are themselves arrays. Do not mutate the array
/// returned by <see cref="GetArray{T}"/>.</remarks>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private readonly object _value;

    private GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ArrayElementType = elementType;
        _value = value;
    }

    /// <summary>Gets the on-disk type of the value.</summary>
    public GgufValueType Type { get; }

    /// <summary>Gets the element type when <see cref="Type"/> is <see cref="GgufValueType.Array"/>; otherwise <see langword="null"/>.</summary>
    public GgufValueType? ArrayElementType { get; }

    /// <summary>Gets the value as an object: a boxed scalar, a <see cref="string"/>, or a typed array for arrays.</summary>
    public object Value => _value;

    /// <summary>Gets the number of elements when the value is an array.</summary>
    /// <exception cref="InvalidOperationException">The value is not an array.</exception>
    public int ArrayLength => _value is Array a && Type == GgufValueType.Array ? a.Length : throw NotA("an array");

    /// <summary>Creates an unsigned 8-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromUInt8(byte value) => new(GgufValueType.UInt8, null, value);

    /// <summary>Creates a signed 8-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromInt8(sbyte value) => new(GgufValueType.Int8, null, value);

    /// <summary>Creates an unsigned 16-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromUInt16(ushort value) => new(GgufValueType.UInt16, null, value);

    /// <summary>Creates a signed 16-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromInt16(short value) => new(GgufValueType.Int16, null, value);

    /// <summary>Creates an unsigned 32-bit value (the type llama.cpp expects for hyper-parameters).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromUInt32(uint value) => new(GgufValueType.UInt32, null, value);

    /// <summary>Creates a signed 32-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromInt32(int value) => new(GgufValueType.Int32, null, value);

    /// <summary>Creates an unsigned 64-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromUInt64(ulong value) => new(GgufValueType.UInt64, null, value);

    /// <summary>Creates a signed 64-bit value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromInt64(long value) => new(GgufValueType.Int64, null, value);

    /// <summary>Creates a 32-bit float value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromFloat32(float value) => new(GgufValueType.Float32, null, value);

    /// <summary>Creates a 64-bit float value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromFloat64(double value) => new(GgufValueType.Float64, null, value);

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromBool(bool value) => new(GgufValueType.Bool, null, value);

    /// <summary>Creates a UTF-8 string value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The typed value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static GgufValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(GgufValueType.String, null, value);
    }

    /// <summary>Creates an array of unsigned 8-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(byte[] values) => Arr(GgufValueType.UInt8, values);

    /// <summary>Creates an array of signed 8-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(sbyte[] values) => Arr(GgufValueType.Int8, values);

    /// <summary>Creates an array of unsigned 16-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(ushort[] values) => Arr(GgufValueType.UInt16, values);

    /// <summary>Creates an array of signed 16-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(short[] values) => Arr(GgufValueType.Int16, values);

    /// <summary>Creates an array of unsigned 32-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(uint[] values) => Arr(GgufValueType.UInt32, values);

    /// <summary>Creates an array of signed 32-bit integers (the type of <c>tokenizer.ggml.token_type</c>).</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(int[] values) => Arr(GgufValueType.Int32, values);

    /// <summary>Creates an array of unsigned 64-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(ulong[] values) => Arr(GgufValueType.UInt64, values);

    /// <summary>Creates an array of signed 64-bit integers.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(long[] values) => Arr(GgufValueType.Int64, values);

    /// <summary>Creates an array of 32-bit floats.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(float[] values) => Arr(GgufValueType.Float32, values);

    /// <summary>Creates an array of 64-bit floats.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(double[] values) => Arr(GgufValueType.Float64, values);

    /// <summary>Creates an array of booleans.</summary>
    /// <param name="values">The elements (the array is kept, not copied).</param>
    /// <returns>The typed value.</returns>
    public static GgufValue FromArray(bool[] values) => Arr(GgufValueType.Bool, values);

    /// <summary>Creates an array of strings.</summary>
    /// <param name="values">The elements (the array is kept, not copied); none may be <see langword="null"/>.</param>
    /// <returns>The typed value.</returns>
    /// <exception cref="ArgumentException">An element is <see langword="null"/>.</exception>
    public static GgufValue FromArray(string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (Array.IndexOf(values, null) >= 0)
        {
            throw new ArgumentException("A GGUF string array cannot hold null elements.", nameof(values));
        }

        return Arr(GgufValueType.String, values);
    }

    /// <summary>Creates an array of arrays (GGUF allows nesting; each element may have its own element type).</summary>
    /// <param name="arrays">The elements, each of which must be an array value.</param>
    /// <returns>The typed value.</returns>
    /// <exception cref="ArgumentException">An element is <see langword="null"/> or not an array.</exception>
    public static GgufValue FromArray(GgufValue[] arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        foreach (var a in arrays)
        {
            if (a is null || a.Type != GgufValueType.Array)
            {
                throw new ArgumentException("Each element of a GGUF array of arrays must itself be an array value.", nameof(arrays));
            }
        }

        return Arr(GgufValueType.Array, arrays);
    }

    /// <summary>Returns the value of a <see cref="GgufValueType.String"/>.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public string AsString() => _value as string ?? throw NotA("a string");

    /// <summary>Returns the value of a <see cref="GgufValueType.Bool"/>.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public bool AsBool() => Type == GgufValueType.Bool ? (bool)_value : throw NotA("a bool");

    /// <summary>Returns the value of a <see cref="GgufValueType.UInt32"/>.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public uint AsUInt32() => Type == GgufValueType.UInt32 ? (uint)_value : throw NotA("a uint32");

    /// <summary>Returns the value of a <see cref="GgufValueType.Float32"/>.</summary>
    /// <returns>The float.</returns>
    /// <exception cref="InvalidOperationException">The value has another type.</exception>
    public float AsFloat32() => Type == GgufValueType.Float32 ? (float)_value : throw NotA("a float32");

    /// <summary>Returns any integer scalar (8 to 64 bits, signed or not) widened to <see cref="long"/>.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value is not an integer, or a <see cref="GgufValueType.UInt64"/> above <see cref="long.MaxValue"/>.</exception>
    public long ToInt64() => _value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v when v <= long.MaxValue => (long)v,
        long v => v,
        _ => throw NotA("an integer that fits in 64 signed bits"),
    };

    /// <summary>Returns any numeric scalar as <see cref="double"/>.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double ToDouble() => _value switch
    {
        float f => f,
        double d => d,
        ulong u => u,
        _ when Type is not (GgufValueType.Bool or GgufValueType.String or GgufValueType.Array) => ToInt64(),
        _ => throw NotA("a number"),
    };

    /// <summary>Returns the elements of an array whose elements are <typeparamref name="T"/>
    /// (<see cref="byte"/>, <see cref="int"/>, <see cref="float"/>, <see cref="string"/>, <see cref="GgufValue"/> for nested arrays, ...).</summary>
    /// <typeparam name="T">The .NET element type matching <see cref="ArrayElementType"/>.</typeparam>
    /// <returns>The elements (the stored array; do not mutate).</returns>
    /// <exception cref="InvalidOperationException">The value is not an array of <typeparamref name="T"/>.</exception>
    public IReadOnlyList<T> GetArray<T>() => Type == GgufValueType.Array && _value.GetType() == typeof(T[]) ? (T[])_value : throw NotA($"an array of {typeof(T).Name}");

    /// <inheritdoc />
    public bool Equals(GgufValue? other)
    {
        if (other is null || other.Type != Type || other.ArrayElementType != ArrayElementType)
        {
            return false;
        }

        if (Type != GgufValueType.Array)
        {
            return _value.Equals(other._value) || (_value is float f && other._value is float g && BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits(g))
                || (_value is double d && other._value is double e && BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(e));
        }

        return StructuralComparisons.StructuralEqualityComparer.Equals(_value, other._value);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    /// <inheritdoc />
    public override int GetHashCode() => Type == GgufValueType.Array
        ? HashCode.Combine(Type, ArrayElementType, ((Array)_value).Length)
        : HashCode.Combine(Type, _value);

    /// <summary>Returns a short readable form, e.g. <c>uint32 4096</c> or <c>array&lt;string&gt;[260]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Type == GgufValueType.Array)
        {
            sb.Append(CultureInfo.InvariantCulture, $"array<{ArrayElementType.ToString()!.ToLowerInvariant()}>[{((Array)_value).Length}]");
        }
        else
        {
            sb.Append(Type.ToString().ToLowerInvariant()).Append(' ').Append(Convert.ToString(_value, CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    internal static GgufValue CreateArray(GgufValueType elementType, Array values) => new(GgufValueType.Array, elementType, values);

    internal static GgufValue CreateScalar(GgufValueType type, object value) => new(type, null, value);

    private static GgufValue Arr(GgufValueType elementType, Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(GgufValueType.Array, elementType, values);
    }

    private InvalidOperationException NotA(string what) => new($"The GGUF value is {this}, not {what}.");
}
