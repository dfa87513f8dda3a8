using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Swarm.Inference.Gguf;

/// <summary>Encodes floats into the tensor types this library writes (F32, F16, BF16, Q8_0) and decodes them back.</summary>
internal static class GgmlTensorCodec
{
    public const int Q8BlockSize = 32;
    public const int Q8BlockBytes = 34;

    public static bool CanEncode(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0;

    public static bool CanDecode(GgmlType type) => CanEncode(type) || type == GgmlType.Q4_0;

    /// <summary>Encodes <paramref name="source"/> as <paramref name="type"/> into <paramref name="destination"/>, which must be exactly the encoded size.</summary>
    public static void Encode(GgmlType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                if (!BitConverter.IsLittleEndian)
                {
                    var ints = MemoryMarshal.Cast<byte, int>(destination[..(source.Length * 4)]);
                    BinaryPrimitives.ReverseEndianness(ints, ints);
                }

                break;
            case GgmlType.F16:
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination[..(source.Length * 2)]));
                break;
            case GgmlType.BF16:
                EncodeBF16(source, destination);
                break;
            case GgmlType.Q8_0:
                QuantizeQ8_0(source, destination);
                break;
            default:
                throw new NotSupportedException($"Writing tensors of type {type} is not supported; use F32, F16, BF16 or Q8_0, or write raw bytes.");
        }
    }

    /// <summary>Decodes <paramref name="source"/> (whole blocks of <paramref name="type"/>) into floats.</summary>
    public static void Decode(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (type)
        {
            case GgmlType.F32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                }

                break;
            case GgmlType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source[..(destination.Length * 2)]), destination);
                break;
            case GgmlType.BF16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]) << 16);
                }

                break;
            case GgmlType.Q8_0:
                DequantizeQ8_0(source, destination);
                break;
            case GgmlType.Q4_0:
                DequantizeQ4_0(source, destination);
                break;
            default:
                throw new NotSupportedException($"Decoding tensors of type {type} to floats is not supported (F32, F16, BF16, Q8_0 and Q4_0 are); read the raw bytes instead.");
        }
    }

    /// <summary>Q8_0: per block of 32, scale d = max|x| / 127 stored as f16, then q = round(x / d) (half away from zero)
    /// as signed bytes — llama.cpp's reference quantizer, bit for bit. Vectorized where the hardware allows.</summary>
    public static void QuantizeQ8_0(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (source.Length % Q8BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 quantizes blocks of {Q8BlockSize} values; {source.Length} is not a multiple.", nameof(source));
        }

        var blocks = source.Length / Q8BlockSize;
        if (destination.Length < blocks * Q8BlockBytes)
        {
            throw new ArgumentException($"Q8_0 needs {blocks * Q8BlockBytes} bytes for {source.Length} values.", nameof(destination));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            QuantizeQ8_0Vector(source, destination, blocks);
        }
        else
        {
            QuantizeQ8_0Scalar(source, destination);
        }
    }

    /// <summary>The scalar reference implementation of <see cref="QuantizeQ8_0"/>.</summary>
    internal static void QuantizeQ8_0Scalar(ReadOnlySpan<float> source, Span<byte> destination)
    {
        var blocks = source.Length / Q8BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * Q8BlockSize, Q8BlockSize);
            var y = destination.Slice(b * Q8BlockBytes, Q8BlockBytes);
            var amax = 0f;
            for (var i = 0; i < Q8BlockSize; i++)
            {
                amax = MathF.Max(amax, MathF.Abs(x[i]));
            }

            var d = amax / 127f;
            var id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);
            for (var i = 0; i < Q8BlockSize; i++)
            {
                var q = MathF.Round(x[i] * id, MidpointRounding.AwayFromZero);
                y[2 + i] = (byte)(sbyte)Math.Clamp(q, -127f, 127f);
            }
        }
    }

    private static void QuantizeQ8_0Vector(ReadOnlySpan<float> source, Span<byte> destination, int blocks)
    {
        var signMask = Vector256.Create(unchecked((int)0x80000000)).AsSingle();
        var two = Vector256.Create(2f);
        Span<sbyte> q = stackalloc sbyte[Q8BlockSize];
        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * Q8BlockSize, Q8BlockSize);
            var v0 = Vector256.Create(x);
            var v1 = Vector256.Create(x[8..]);
            var v2 = Vector256.Create(x[16..]);
            var v3 = Vector256.Create(x[24..]);
            var m = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
            var amax = 0f;
            for (var i = 0; i < Vector256<float>.Count; i++)
            {
                amax = MathF.Max(amax, m.GetElement(i));
            }

            var d = amax / 127f;
            var id = Vector256.Create(d != 0f ? 1f / d : 0f);
            var y = destination.Slice(b * Q8BlockBytes, Q8BlockBytes);
            BinaryPrimitives.WriteHalfLittleEndian(y, (Half)d);

            // round half away from zero exactly: |t| -> floor(|t|) + floor(2 * frac(|t|)), then the sign of t.
            static Vector256<int> Round(Vector256<float> t, Vector256<float> signMask, Vector256<float> two)
            {
                var a = Vector256.Abs(t);
                var f = Vector256.Floor(a);
                var r = f + Vector256.Floor(two * (a - f));
                return Vector256.ConvertToInt32(r | (t & signMask));
            }

            var lo = Vector256.Narrow(Round(v0 * id, signMask, two), Round(v1 * id, signMask, two));
            var hi = Vector256.Narrow(Round(v2 * id, signMask, two), Round(v3 * id, signMask, two));
            Vector256.Narrow(lo, hi).CopyTo(q);
            MemoryMarshal.AsBytes(q).CopyTo(y[2..]);
        }
    }

    public static void DequantizeQ8_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var blocks = destination.Length / Q8BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * Q8BlockBytes, Q8BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(x);
            var y = destination.Slice(b * Q8BlockSize, Q8BlockSize);
            for (var i = 0; i < Q8BlockSize; i++)
            {
                y[i] = (sbyte)x[2 + i] * d;
            }
        }
    }

    private static void DequantizeQ4_0(ReadOnlySpan<byte> source, Span<float> destination)
    {
        const int BlockBytes = 18;
        var blocks = destination.Length / 32;
        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(x);
            var y = destination.Slice(b * 32, 32);
            for (var j = 0; j < 16; j++)
            {
                y[j] = ((x[2 + j] & 0x0F) - 8) * d;
                y[j + 16] = ((x[2 + j] >> 4) - 8) * d;
            }
        }
    }

    private static void EncodeBF16(ReadOnlySpan<float> source, Span<byte> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var output = MemoryMarshal.Cast<byte, ushort>(destination);
            var rounding = Vector256.Create(0x7FFFu);
            var one = Vector256.Create(1u);
            var magnitude = Vector256.Create(0x7FFFFFFFu);
            var infinity = Vector256.Create(0x7F800000u);
            var quiet = Vector256.Create(0x400000u);
            for (; i + 16 <= source.Length; i += 16)
            {
                static Vector256<uint> Round(Vector256<uint> bits, Vector256<uint> rounding, Vector256<uint> one, Vector256<uint> magnitude, Vector256<uint> infinity, Vector256<uint> quiet)
                {
                    var rounded = (bits + rounding + ((bits >> 16) & one)) >> 16;
                    var nan = Vector256.GreaterThan(bits & magnitude, infinity);
                    return Vector256.ConditionalSelect(nan, (bits | quiet) >> 16, rounded);
                }

                var a = Round(Vector256.Create(source[i..]).AsUInt32(), rounding, one, magnitude, infinity, quiet);
                var b = Round(Vector256.Create(source[(i + 8)..]).AsUInt32(), rounding, one, magnitude, infinity, quiet);
                Vector256.Narrow(a, b).CopyTo(output[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(source[i]);
            ushort h;
            if ((bits & 0x7FFFFFFF) > 0x7F800000)
            {
                h = (ushort)((bits | 0x400000) >> 16); // quiet NaN
            }
            else
            {
                h = (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16); // round to nearest even
            }

            BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], h);
        }
    }
}
