using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Swarm.Inference.Gguf;

namespace Swarm.Inference.Tests.Gguf;

public sealed class GgufFileTests
{
    private static GgufFormatException Rejects(byte[] bytes)
    {
        return Assert.Throws<GgufFormatException>(() => GgufFile.Read(new MemoryStream(bytes)).Dispose());
    }

    /// <summary>Builds GGUF bytes field by field so a test can place exactly the corruption it wants.</summary>
    private sealed class Raw
    {
        private readonly MemoryStream _ms = new();
        private readonly BinaryWriter _w;

        public Raw(uint magic = GgufFile.Magic, uint version = 3, ulong tensors = 0, ulong kvs = 0)
        {
            _w = new BinaryWriter(_ms);
            _w.Write(magic);
            _w.Write(version);
            _w.Write(tensors);
            _w.Write(kvs);
        }

        public Raw Str(string s, ulong? length = null)
        {
            var b = Encoding.UTF8.GetBytes(s);
            _w.Write(length ?? (ulong)b.Length);
            _w.Write(b);
            return this;
        }

        public Raw U32(uint v)
        {
            _w.Write(v);
            return this;
        }

        public Raw U64(ulong v)
        {
            _w.Write(v);
            return this;
        }

        public Raw U8(byte v)
        {
            _w.Write(v);
            return this;
        }

        public Raw Pad(int alignment)
        {
            while (_ms.Length % alignment != 0)
            {
                _w.Write((byte)0);
            }

            return this;
        }

        public Raw Bytes(int n)
        {
            _w.Write(new byte[n]);
            return this;
        }

        public byte[] ToArray() => _ms.ToArray();
    }

    [Fact]
    public void Read_BadMagic_NamesIt()
    {
        var ex = Rejects(new Raw(magic: 0x46554746).ToArray());

        Assert.Contains("magic", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, ex.Offset);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void Read_UnsupportedVersion_NamesIt(uint version)
    {
        var ex = Rejects(new Raw(version: version).ToArray());

        Assert.Contains($"version {version}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Offset);
    }

    [Fact]
    public void Read_BigEndianFile_SaysSo()
    {
        var ex = Rejects(new Raw(version: 0x03000000).ToArray());

        Assert.Contains("Big-endian GGUF file (version 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Version2_IsAccepted()
    {
        using var file = GgufFile.Read(new MemoryStream(new Raw(version: 2).ToArray()));

        Assert.Equal(2u, file.Version);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Read_TruncatedHeader_NamesIt()
    {
        var ex = Rejects(new Raw().ToArray()[..12]);

        Assert.Contains("Truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tensor count", ex.Message, StringComparison.Ordinal);
        Assert.Equal(8, ex.Offset);
    }

    [Fact]
    public void Read_TruncatedMetadata_NamesIt()
    {
        var bytes = new Raw(kvs: 1).Str("general.name").U32((uint)GgufValueType.UInt32).U32(5).ToArray();

        var ex = Rejects(bytes[..^2]);

        Assert.Contains("uint32 value", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bytes.Length - 4, ex.Offset);
    }

    [Fact]
    public void Read_StringLengthBeyondFile_NamesIt()
    {
        var ex = Rejects(new Raw(kvs: 1).Str("k").U32((uint)GgufValueType.String).Str("abc", length: 1UL << 40).ToArray());

        Assert.Contains("String length 1099511627776", ex.Message, StringComparison.Ordinal);
        Assert.Contains("beyond the end", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownValueType_NamesIt()
    {
        var ex = Rejects(new Raw(kvs: 1).Str("k").U32(13).U32(0).ToArray());

        Assert.Contains("Unknown metadata value type 13", ex.Message, StringComparison.Ordinal);
        Assert.Equal(24 + 8 + 1, ex.Offset);
    }

    [Fact]
    public void Read_AbsurdCounts_AreRejectedBeforeAllocating()
    {
        Assert.Contains("Metadata count", Rejects(new Raw(kvs: ulong.MaxValue).ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("Tensor count", Rejects(new Raw(tensors: 1UL << 62).ToArray()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AbsurdArrayLength_IsRejectedBeforeAllocating()
    {
        var ex = Rejects(new Raw(kvs: 1).Str("k").U32((uint)GgufValueType.Array).U32((uint)GgufValueType.Int64).U64(1UL << 61).U64(1).ToArray());

        Assert.Contains("Array of 2305843009213693952 Int64 elements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BoolOtherThanZeroOrOne_IsRejected()
    {
        var ex = Rejects(new Raw(kvs: 1).Str("k").U32((uint)GgufValueType.Bool).U8(2).ToArray());

        Assert.Contains("Bool value 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateKey_IsRejected()
    {
        var ex = Rejects(new Raw(kvs: 2).Str("k").U32((uint)GgufValueType.UInt8).U8(1).Str("k").U32((uint)GgufValueType.UInt8).U8(2).ToArray());

        Assert.Contains("Duplicate metadata key 'k'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeeplyNestedArrays_AreRejected()
    {
        var raw = new Raw(kvs: 1).Str("k").U32((uint)GgufValueType.Array);
        for (var i = 0; i < 20; i++)
        {
            raw.U32((uint)GgufValueType.Array).U64(1);
        }

        raw.U32((uint)GgufValueType.UInt8).U64(0);
        Assert.Contains("nested deeper", Rejects(raw.ToArray()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(48u)]
    public void Read_BadAlignment_IsRejected(uint alignment)
    {
        var ex = Rejects(new Raw(kvs: 1).Str("general.alignment").U32((uint)GgufValueType.UInt32).U32(alignment).ToArray());

        Assert.Contains("general.alignment", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AlignmentOfWrongType_IsRejected()
    {
        var ex = Rejects(new Raw(kvs: 1).Str("general.alignment").U32((uint)GgufValueType.Int32).U32(32).ToArray());

        Assert.Contains("uint32", ex.Message, StringComparison.Ordinal);
    }

    private static Raw OneTensor(uint nDims = 1, ulong dim = 8, uint type = 0, ulong offset = 0) =>
        new Raw(tensors: 1).Str("t").U32(nDims).U64(dim).U32(type).U64(offset);

    [Theory]
    [InlineData(35, "String length 40 of tensor name extends beyond")]
    [InlineData(50, "Truncated file: tensor dimension count needs 4 bytes but only 2 remain")]
    [InlineData(55, "Truncated file: tensor dimension needs 8 bytes but only 3 remain")]
    [InlineData(62, "Truncated file: tensor type needs 4 bytes but only 2 remain")]
    [InlineData(68, "Truncated file: tensor data offset needs 8 bytes but only 4 remain")]
    public void Read_TruncatedTensorInfo_NamesTheField(int keep, string expected)
    {
        // Tensor info after the 24-byte header: name (8 + 40), dimension count (4), one dimension (8), type (4), offset (8).
        var bytes = new Raw(tensors: 1).Str(new string('n', 40)).U32(1).U64(8).U32(0).U64(0).ToArray();

        var ex = Rejects(bytes[..(24 + keep)]);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Offset);
    }

    [Fact]
    public void Read_TensorDataOutsideFile_NamesTensor()
    {
        var ex = Rejects(OneTensor().Pad(32).Bytes(16).ToArray());

        Assert.Contains("Tensor 't' data [0, 32) lies outside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MisalignedOffset_IsRejected()
    {
        var ex = Rejects(OneTensor(offset: 4).Pad(32).Bytes(64).ToArray());

        Assert.Contains("not a multiple of the alignment 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownTensorType_IsRejected()
    {
        var ex = Rejects(OneTensor(type: 4).Pad(32).Bytes(64).ToArray());

        Assert.Contains("unknown ggml type 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TooManyDimensions_IsRejected()
    {
        var ex = Rejects(OneTensor(nDims: 5).ToArray());

        Assert.Contains("5 dimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DimensionNotMultipleOfBlock_IsRejected()
    {
        var ex = Rejects(OneTensor(dim: 33, type: (uint)GgmlType.Q8_0).Pad(32).Bytes(64).ToArray());

        Assert.Contains("block size 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OverlappingTensors_AreRejected()
    {
        var bytes = new Raw(tensors: 2).Str("a").U32(1).U64(16).U32(0).U64(0).Str("b").U32(1).U64(16).U32(0).U64(32).Pad(32).Bytes(128).ToArray();

        var ex = Rejects(bytes);

        Assert.Contains("overlaps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DuplicateTensorName_IsRejected()
    {
        var bytes = new Raw(tensors: 2).Str("a").U32(1).U64(8).U32(0).U64(0).Str("a").U32(1).U64(8).U32(0).U64(32).Pad(32).Bytes(64).ToArray();

        Assert.Contains("Duplicate tensor name 'a'", Rejects(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KnownQuantizedTypes_ComputeSizesFromBlockLayout()
    {
        var bytes = OneTensor(nDims: 1, dim: 512, type: (uint)GgmlType.Q6_K).Pad(32).Bytes(2 * 210).ToArray();

        using var file = GgufFile.Read(new MemoryStream(bytes));

        Assert.Equal(2 * 210, file.Tensors[0].ByteCount);
        Assert.Throws<NotSupportedException>(() => file.ReadTensorAsFloat32(file.Tensors[0]));
        Assert.Equal(420, file.ReadTensorData(file.Tensors[0]).Length);
    }

    [Fact]
    public void Read_LargeModel_ReadsOnlyTheHeaderUntilATensorIsAsked()
    {
        var ms = new CountingStream();
        Swarm.Inference.Models.SyntheticModelBuilder.Write(Swarm.Inference.Models.SyntheticModelSpec.Small with { LayerCount = 2 }, ms);
        ms.BytesRead = 0;

        using var file = GgufFile.Read(ms, leaveOpen: true);
        var headerBytes = ms.BytesRead;
        var norm = file.ReadTensorAsFloat32(file.FindTensor("blk.1.ffn_norm.weight")!);

        Assert.True(ms.Length > 25_000_000);
        Assert.InRange(headerBytes, 1, 128 * 1024);
        Assert.Equal(512, norm.Length);
        Assert.InRange(ms.BytesRead - headerBytes, 2048, 2048);
    }

    [Fact]
    public void Read_NonSeekableStream_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => GgufFile.Read(new NonSeekable()));
    }

    [Fact]
    public void Read_RandomTruncationsAndBitFlips_EndInFormatExceptionOrSuccess()
    {
        var sample = GgufWriterTests.WriteSample();
        var model = new MemoryStream();
        Swarm.Inference.Models.SyntheticModelBuilder.Write(Swarm.Inference.Models.SyntheticModelSpec.Tiny with { LayerCount = 1, WeightType = GgmlType.Q8_0 }, model);
        var files = new[] { sample, model.ToArray()[..20_000] };

        var genFlip = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 7]);
        var gen = Gen.Select(Gen.Int[0, 1], Gen.Int[0, int.MaxValue], genFlip.Array[0, 4], Gen.Bool);
        gen.Sample(
            t =>
            {
                var (which, cut, flips, truncate) = t;
                var source = files[which];
                var bytes = truncate ? source[..(cut % (source.Length + 1))] : (byte[])source.Clone();
                foreach (var (pos, bit) in flips)
                {
                    if (bytes.Length > 0)
                    {
                        bytes[pos % bytes.Length] ^= (byte)(1 << bit);
                    }
                }

                try
                {
                    using var file = GgufFile.Read(new MemoryStream(bytes));
                    foreach (var tensor in file.Tensors)
                    {
                        if (GgmlTensorCodec.CanDecode(tensor.Type))
                        {
                            _ = file.ReadTensorAsFloat32(tensor);
                        }
                        else
                        {
                            _ = file.ReadTensorData(tensor);
                        }
                    }

                    foreach (var (_, value) in file.Metadata)
                    {
                        _ = value.ToString();
                    }
                }
                catch (GgufFormatException)
                {
                }
            },
            iter: 3000);
    }

    private sealed class CountingStream : MemoryStream
    {
        public long BytesRead { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        // MemoryStream subclasses route Read(Span<byte>) through Read(byte[], int, int), so this counts every read once.
    }

    private sealed class NonSeekable : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
