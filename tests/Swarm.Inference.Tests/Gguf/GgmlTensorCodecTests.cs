using System.Buffers.Binary;
using Swarm.Inference.Gguf;
using Swarm.Inference.Models;

namespace Swarm.Inference.Tests.Gguf;

public sealed class GgmlTensorCodecTests
{
    private static float[] RandomValues(int n, float scale, ulong seed)
    {
        var values = new float[n];
        new SyntheticRandom(seed).FillUniform(values, scale);
        return values;
    }

    [Fact]
    public void QuantizeQ8_0_ErrorIsAtMostHalfAStepPerElement()
    {
        var x = RandomValues(32 * 64, 3f, 7);
        var q = new byte[64 * 34];
        var y = new float[x.Length];

        GgmlTensorCodec.QuantizeQ8_0(x, q);
        GgmlTensorCodec.DequantizeQ8_0(q, y);

        for (var b = 0; b < 64; b++)
        {
            var block = x.AsSpan(b * 32, 32);
            var amax = 0f;
            foreach (var v in block)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }

            // Half a quantization step, plus the f16 rounding of the scale (relative 2^-11) on values up to 127 steps.
            var step = amax / 127f;
            var bound = (step / 2) + (amax * MathF.Pow(2, -11)) + 1e-7f;
            for (var i = 0; i < 32; i++)
            {
                Assert.InRange(MathF.Abs(y[(b * 32) + i] - x[(b * 32) + i]), 0f, bound);
            }
        }
    }

    [Fact]
    public void QuantizeQ8_0_KnownBlock_HasExpectedBytes()
    {
        var x = new float[32];
        x[0] = 1.27f;
        x[1] = -0.635f;
        x[2] = 0.005f;
        var q = new byte[34];

        GgmlTensorCodec.QuantizeQ8_0(x, q);

        Assert.Equal((Half)0.01f, BinaryPrimitives.ReadHalfLittleEndian(q));
        Assert.Equal(127, (sbyte)q[2]);
        Assert.Equal(-64, (sbyte)q[3]); // -63.5 rounds away from zero
        Assert.Equal(1, (sbyte)q[4]); // 0.5 rounds away from zero
        Assert.All(q.Skip(5), b => Assert.Equal(0, b));
    }

    [Fact]
    public void QuantizeQ8_0_VectorizedEqualsScalarReference()
    {
        var x = RandomValues(32 * 512, 5f, 11);
        for (var i = 0; i < x.Length; i += 97)
        {
            x[i] = MathF.Round(x[i] * 4) / 4; // exact halves and quarters exercise the rounding rule
        }

        x.AsSpan(64, 32).Clear();
        var fast = new byte[512 * 34];
        var reference = new byte[512 * 34];

        GgmlTensorCodec.QuantizeQ8_0(x, fast);
        GgmlTensorCodec.QuantizeQ8_0Scalar(x, reference);

        Assert.Equal(reference, fast);
    }

    [Fact]
    public void QuantizeQ8_0_ZeroBlock_IsAllZero()
    {
        var q = new byte[34];
        q.AsSpan().Fill(0xFF);

        GgmlTensorCodec.QuantizeQ8_0(new float[32], q);

        Assert.All(q, b => Assert.Equal(0, b));
    }

    [Fact]
    public void QuantizeQ8_0_PartialBlock_Throws()
    {
        Assert.Throws<ArgumentException>(() => GgmlTensorCodec.QuantizeQ8_0(new float[31], new byte[34]));
    }

    [Theory]
    [InlineData(GgmlType.F16, 11)]
    [InlineData(GgmlType.BF16, 8)]
    [InlineData(GgmlType.F32, 30)]
    public void EncodeDecode_HalfTypes_RelativeErrorWithinMantissa(GgmlType type, int mantissaBits)
    {
        var x = RandomValues(1000, 100f, 3);
        var bytes = new byte[GgmlTypeInfo.GetByteCount(type, x.Length)];
        var y = new float[x.Length];

        GgmlTensorCodec.Encode(type, x, bytes);
        GgmlTensorCodec.Decode(type, bytes, y);

        for (var i = 0; i < x.Length; i++)
        {
            Assert.InRange(MathF.Abs(y[i] - x[i]), 0f, (MathF.Abs(x[i]) * MathF.Pow(2, -mantissaBits)) + 1e-6f);
        }
    }

    [Fact]
    public void EncodeBF16_VectorAndTailAgreeWithRoundToNearestEven()
    {
        float[] x = [.. RandomValues(37, 10f, 5), 1f + MathF.Pow(2, -8), 1f + (3 * MathF.Pow(2, -8)), float.NaN, float.PositiveInfinity, -0f];
        var bytes = new byte[x.Length * 2];

        GgmlTensorCodec.Encode(GgmlType.BF16, x, bytes);

        for (var i = 0; i < x.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(x[i]);
            var expected = float.IsNaN(x[i]) ? (ushort)((bits | 0x400000) >> 16) : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
            Assert.Equal(expected, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)));
        }

        Assert.Equal((ushort)0x3F80, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(37 * 2))); // tie rounds to even (down)
        Assert.Equal((ushort)0x3F82, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(38 * 2))); // tie rounds to even (up)
    }

    [Fact]
    public void Decode_Q4_0Block_MatchesLayout()
    {
        var block = new byte[18];
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)0.5f);
        block[2] = 0x9F; // low nibble 15 -> element 0 = (15-8)*0.5, high nibble 9 -> element 16 = (9-8)*0.5
        var y = new float[32];

        GgmlTensorCodec.Decode(GgmlType.Q4_0, block, y);

        Assert.Equal(3.5f, y[0]);
        Assert.Equal(0.5f, y[16]);
        Assert.Equal(-4f, y[1]);
    }

    [Fact]
    public void Encode_UnsupportedType_Throws()
    {
        Assert.Throws<NotSupportedException>(() => GgmlTensorCodec.Encode(GgmlType.Q4_K, new float[256], new byte[144]));
    }
}
