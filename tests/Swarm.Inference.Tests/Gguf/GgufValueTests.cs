using Swarm.Inference.Gguf;

namespace Swarm.Inference.Tests.Gguf;

public sealed class GgufValueTests
{
    [Fact]
    public void Accessors_ReturnTypedValues()
    {
        Assert.Equal(7u, GgufValue.FromUInt32(7).AsUInt32());
        Assert.Equal(0.5f, GgufValue.FromFloat32(0.5f).AsFloat32());
        Assert.True(GgufValue.FromBool(true).AsBool());
        Assert.Equal("x", GgufValue.FromString("x").AsString());
        Assert.Equal([1, 2], GgufValue.FromArray(new[] { 1, 2 }).GetArray<int>());
        Assert.Equal(2, GgufValue.FromArray(new[] { 1, 2 }).ArrayLength);
    }

    [Fact]
    public void ToInt64_WidensEveryIntegerType()
    {
        Assert.Equal(200, GgufValue.FromUInt8(200).ToInt64());
        Assert.Equal(-5, GgufValue.FromInt8(-5).ToInt64());
        Assert.Equal(60000, GgufValue.FromUInt16(60000).ToInt64());
        Assert.Equal(4_000_000_000, GgufValue.FromUInt32(4_000_000_000).ToInt64());
        Assert.Equal(-3, GgufValue.FromInt64(-3).ToInt64());
        Assert.Equal(1.5, GgufValue.FromFloat32(1.5f).ToDouble());
        Assert.Equal(9, GgufValue.FromUInt64(9).ToDouble());
        Assert.Throws<InvalidOperationException>(() => GgufValue.FromUInt64(ulong.MaxValue).ToInt64());
        Assert.Throws<InvalidOperationException>(() => GgufValue.FromString("1").ToInt64());
    }

    [Fact]
    public void WrongTypeAccess_NamesBothTypes()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => GgufValue.FromInt32(5).AsUInt32());

        Assert.Contains("int32 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("uint32", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => GgufValue.FromArray(new[] { 1 }).GetArray<uint>());
        Assert.Throws<InvalidOperationException>(() => GgufValue.FromUInt8(1).ArrayLength);
    }

    [Fact]
    public void Equality_IncludesTheExactType()
    {
        Assert.Equal(GgufValue.FromUInt32(1), GgufValue.FromUInt32(1));
        Assert.NotEqual(GgufValue.FromUInt32(1), GgufValue.FromInt32(1));
        Assert.NotEqual(GgufValue.FromArray(new[] { 1 }), GgufValue.FromArray(new uint[] { 1 }));
        Assert.Equal(GgufValue.FromArray(new[] { "a" }), GgufValue.FromArray(new[] { "a" }));
        Assert.Equal(GgufValue.FromFloat32(float.NaN), GgufValue.FromFloat32(float.NaN));
    }

    [Fact]
    public void FromArray_InvalidElements_Throw()
    {
        Assert.Throws<ArgumentException>(() => GgufValue.FromArray(new string[] { "a", null! }));
        Assert.Throws<ArgumentException>(() => GgufValue.FromArray(new[] { GgufValue.FromUInt8(1) }));
        Assert.Throws<ArgumentNullException>(() => GgufValue.FromString(null!));
    }

    [Fact]
    public void ToString_IsReadable()
    {
        Assert.Equal("uint32 4096", GgufValue.FromUInt32(4096).ToString());
        Assert.Equal("array<string>[2]", GgufValue.FromArray(new[] { "a", "b" }).ToString());
    }
}
