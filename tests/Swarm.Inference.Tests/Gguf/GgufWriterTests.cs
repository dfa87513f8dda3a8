using Swarm.Inference.Gguf;

namespace Swarm.Inference.Tests.Gguf;

public sealed class GgufWriterTests
{
    internal static GgufValue[] AllScalarValues() =>
    [
        GgufValue.FromUInt8(200),
        GgufValue.FromInt8(-100),
        GgufValue.FromUInt16(60000),
        GgufValue.FromInt16(-30000),
        GgufValue.FromUInt32(4_000_000_000),
        GgufValue.FromInt32(-2_000_000_000),
        GgufValue.FromUInt64(ulong.MaxValue),
        GgufValue.FromInt64(long.MinValue),
        GgufValue.FromFloat32(3.25f),
        GgufValue.FromFloat64(-1e300),
        GgufValue.FromBool(true),
        GgufValue.FromString("héllo ▁ wörld"),
    ];

    internal static GgufValue[] AllArrayValues() =>
    [
        GgufValue.FromArray(new byte[] { 1, 2, 255 }),
        GgufValue.FromArray(new sbyte[] { -1, 2, -128 }),
        GgufValue.FromArray(new ushort[] { 1, 65535 }),
        GgufValue.FromArray(new short[] { -1, 32767 }),
        GgufValue.FromArray(new uint[] { 7, uint.MaxValue }),
        GgufValue.FromArray(new int[] { -7, int.MaxValue }),
        GgufValue.FromArray(new ulong[] { 9, ulong.MaxValue }),
        GgufValue.FromArray(new long[] { -9, long.MaxValue }),
        GgufValue.FromArray(new float[] { 0.5f, float.NegativeInfinity }),
        GgufValue.FromArray(new double[] { 0.25, double.Epsilon }),
        GgufValue.FromArray(new bool[] { true, false, true }),
        GgufValue.FromArray(new string[] { "a", string.Empty, "<0x0A>" }),
        GgufValue.FromArray(Array.Empty<int>()),
        GgufValue.FromArray(new[]
        {
            GgufValue.FromArray(new int[] { 1, 2 }),
            GgufValue.FromArray(new string[] { "x" }),
            GgufValue.FromArray(new[] { GgufValue.FromArray(new float[] { 1.5f }) }),
        }),
    ];

    internal static byte[] WriteSample(uint alignment = 32)
    {
        using var ms = new MemoryStream();
        using (var w = new GgufWriter(ms, leaveOpen: true) { Alignment = alignment })
        {
            var i = 0;
            foreach (var v in AllScalarValues().Concat(AllArrayValues()))
            {
                w.AddMetadata($"test.key{i++}", v);
            }

            w.AddTensor("a", GgmlType.F32, 3, 2);
            w.AddTensor("b", GgmlType.F16, 5);
            w.AddTensor("c", GgmlType.Q8_0, 64, 2);
            w.WriteTensorValues([1, 2, 3, 4, 5, 6]);
            w.WriteTensorValues([0.5f, -0.25f, 2, 1000, -0.125f]);
            w.WriteTensorValues(Enumerable.Range(0, 128).Select(x => (x - 64) / 10f).ToArray());
            w.Complete();
        }

        return ms.ToArray();
    }

    [Fact]
    public void Write_EveryValueType_ReadsBackWithExactTypesAndValues()
    {
        var bytes = WriteSample();
        using var file = GgufFile.Read(new MemoryStream(bytes));

        var expected = AllScalarValues().Concat(AllArrayValues()).ToArray();
        Assert.Equal(3u, file.Version);
        Assert.Equal(expected.Length, file.Metadata.Count);
        var i = 0;
        foreach (var (key, value) in file.Metadata)
        {
            Assert.Equal($"test.key{i}", key);
            Assert.Equal(expected[i].Type, value.Type);
            Assert.Equal(expected[i].ArrayElementType, value.ArrayElementType);
            Assert.Equal(expected[i], value);
            i++;
        }
    }

    [Fact]
    public void Write_Tensors_AreAlignedContiguousAndReadBack()
    {
        var bytes = WriteSample();
        using var file = GgufFile.Read(new MemoryStream(bytes));

        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal(["a", "b", "c"], file.Tensors.Select(t => t.Name));
        Assert.Equal(0UL, file.Tensors[0].Offset);
        Assert.Equal(32UL, file.Tensors[1].Offset);
        Assert.Equal(64UL, file.Tensors[2].Offset);
        Assert.Equal([3L, 2L], file.Tensors[0].Dimensions);
        Assert.Equal(4 * 34, file.Tensors[2].ByteCount);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.ReadTensorAsFloat32(file.Tensors[0]));
        Assert.Equal([0.5f, -0.25f, 2, 1000, -0.125f], file.ReadTensorAsFloat32(file.FindTensor("b")!));
        Assert.Equal(file.DataOffset + 64 + (4 * 34) + 24, bytes.Length);
    }

    [Fact]
    public void Write_CustomAlignment_RecordsGeneralAlignment()
    {
        var bytes = WriteSample(alignment: 64);
        using var file = GgufFile.Read(new MemoryStream(bytes));

        Assert.Equal(64u, file.Alignment);
        Assert.Equal(GgufValue.FromUInt32(64), file.Metadata["general.alignment"]);
        Assert.All(file.Tensors, t => Assert.Equal(0UL, t.Offset % 64));
        Assert.Equal(0, file.DataOffset % 64);
    }

    [Fact]
    public void Complete_MissingTensorData_Throws()
    {
        using var w = new GgufWriter(new MemoryStream());
        w.AddTensor("a", GgmlType.F32, 4);
        w.WriteTensorValues([1, 2]);

        var ex = Assert.Throws<InvalidOperationException>(w.Complete);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTensorValues_TooMany_Throws()
    {
        using var w = new GgufWriter(new MemoryStream());
        w.AddTensor("a", GgmlType.F32, 2);

        Assert.Throws<ArgumentException>(() => w.WriteTensorValues([1, 2, 3]));
    }

    [Fact]
    public void AddTensor_BadShapes_Throw()
    {
        using var w = new GgufWriter(new MemoryStream());

        Assert.Throws<ArgumentException>(() => w.AddTensor("q", GgmlType.Q8_0, 33));
        Assert.Throws<ArgumentException>(() => w.AddTensor("z", GgmlType.F32, 0));
        Assert.Throws<ArgumentException>(() => w.AddTensor("five", GgmlType.F32, 1, 1, 1, 1, 1));
        w.AddTensor("dup", GgmlType.F32, 1);
        Assert.Throws<ArgumentException>(() => w.AddTensor("dup", GgmlType.F32, 1));
    }

    [Fact]
    public void AddMetadata_AfterHeader_Throws()
    {
        using var w = new GgufWriter(new MemoryStream());
        w.WriteHeader();

        Assert.Throws<InvalidOperationException>(() => w.AddMetadata("k", GgufValue.FromBool(true)));
    }

    [Fact]
    public void AddMetadata_DuplicateKey_Throws()
    {
        using var w = new GgufWriter(new MemoryStream());
        w.AddMetadata("k", GgufValue.FromBool(true));

        Assert.Throws<ArgumentException>(() => w.AddMetadata("k", GgufValue.FromBool(false)));
    }

    [Fact]
    public void WriteTensorData_RawBytes_RoundTrip()
    {
        using var ms = new MemoryStream();
        var raw = Enumerable.Range(0, 2 * 144).Select(i => (byte)i).ToArray();
        using (var w = new GgufWriter(ms, leaveOpen: true))
        {
            w.AddTensor("k", GgmlType.Q4_K, 512);
            w.WriteTensorData(raw.AsSpan(0, 100));
            w.WriteTensorData(raw.AsSpan(100));
            w.Complete();
        }

        using var file = GgufFile.Read(new MemoryStream(ms.ToArray()));
        Assert.Equal(raw, file.ReadTensorData(file.Tensors[0]));
        var part = new byte[10];
        Assert.Equal(10, file.ReadTensorData(file.Tensors[0], part, 50));
        Assert.Equal(raw.AsSpan(50, 10).ToArray(), part);
    }
}
