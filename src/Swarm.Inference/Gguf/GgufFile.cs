using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Swarm.Inference.Gguf;

/// <summary>A GGUF v2/v3 file opened for reading: header, typed metadata and tensor infos are parsed and validated at
/// open; tensor data stays on disk until <see cref="ReadTensorData(GgufTensorInfo, Span{byte})"/> or
/// <see cref="ReadTensorAsFloat32"/> asks for it.</summary>
/// <remarks>Every structural problem (bad magic, unsupported version, truncation, unknown types, counts or lengths
/// beyond the file, misaligned or overlapping tensor data) raises <see cref="GgufFormatException"/> naming the problem
/// and the offset. Metadata and tensor infos are immutable after open and safe to read from many threads; tensor
/// reads are serialized internally.</remarks>
public sealed class GgufFile : IDisposable
{
    /// <summary>The file magic, "GGUF" read as a little-endian 32-bit integer.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The alignment used when <c>general.alignment</c> is absent.</summary>
    public const uint DefaultAlignment = 32;

    private const int MaxDimensions = 4;
    private const int MaxArrayNesting = 8;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;
    private bool _disposed;

    private GgufFile(Stream stream, bool leaveOpen, uint version, OrderedDictionary<string, GgufValue> metadata, List<GgufTensorInfo> tensors, uint alignment, long dataOffset)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        _tensorsByName = new Dictionary<string, GgufTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            _tensorsByName[t.Name] = t;
        }
    }

    /// <summary>Gets the format version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Gets the metadata in file order, with exact value types.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Gets the tensor infos in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Gets the data alignment (<c>general.alignment</c>, default 32).</summary>
    public uint Alignment { get; }

    /// <summary>Gets the absolute byte offset at which the data section starts.</summary>
    public long DataOffset { get; }

    /// <summary>Gets <c>general.architecture</c>, or <see langword="null"/> when absent or not a string.</summary>
    public string? Architecture => Metadata.TryGetValue("general.architecture", out var v) && v.Type == GgufValueType.String ? v.AsString() : null;

    /// <summary>Opens and validates a GGUF file; tensor data is not read.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The open file; dispose it to close the file.</returns>
    /// <exception cref="GgufFormatException">The file is not a valid GGUF file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            return Read(stream, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads and validates a GGUF file from a seekable stream; tensor data is read later on demand.</summary>
    /// <param name="stream">A readable, seekable stream positioned anywhere; the file starts at offset 0.</param>
    /// <param name="leaveOpen">Whether disposing the returned file leaves <paramref name="stream"/> open.</param>
    /// <returns>The parsed file.</returns>
    /// <exception cref="ArgumentException">The stream cannot read or seek.</exception>
    /// <exception cref="GgufFormatException">The content is not a valid GGUF file.</exception>
    public static GgufFile Read(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("A GGUF stream must be readable and seekable.", nameof(stream));
        }

        var cursor = new Cursor(stream);
        var magic = cursor.ReadUInt32("magic");
        if (magic != Magic)
        {
            throw new GgufFormatException($"Bad magic 0x{magic:X8}: not a GGUF file (expected \"GGUF\")", 0);
        }

        var version = cursor.ReadUInt32("version");
        if (version is not (2 or 3))
        {
            var swapped = BinaryPrimitives.ReverseEndianness(version);
            throw new GgufFormatException(
                swapped is 2 or 3
                    ? $"Big-endian GGUF file (version {swapped}); only little-endian files are supported"
                    : $"Unsupported GGUF version {version} (2 and 3 are supported)",
                4);
        }

        var countsAt = cursor.Position;
        var tensorCount = cursor.ReadUInt64("tensor count");
        var kvCount = cursor.ReadUInt64("metadata count");

        // Each key/value needs at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8 + 4 + 8 + 4 + 8.
        if (kvCount > (ulong)cursor.Remaining / 13)
        {
            throw new GgufFormatException($"Metadata count {kvCount} is impossible for a file of {cursor.Length} bytes", countsAt + 8);
        }

        if (tensorCount > (ulong)cursor.Remaining / 32)
        {
            throw new GgufFormatException($"Tensor count {tensorCount} is impossible for a file of {cursor.Length} bytes", countsAt);
        }

        var metadata = new OrderedDictionary<string, GgufValue>((int)kvCount, StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var keyAt = cursor.Position;
            var key = cursor.ReadString("metadata key");
            var type = cursor.ReadValueType("metadata value type");
            var value = ReadValue(cursor, type, 0);
            if (!metadata.TryAdd(key, value))
            {
                throw new GgufFormatException($"Duplicate metadata key '{key}'", keyAt);
            }
        }

        var alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignmentValue))
        {
            if (alignmentValue.Type != GgufValueType.UInt32 || alignmentValue.AsUInt32() == 0 || !uint.IsPow2(alignmentValue.AsUInt32()))
            {
                throw new GgufFormatException($"general.alignment must be a non-zero power of two of type uint32, found {alignmentValue}", cursor.Position);
            }

            alignment = alignmentValue.AsUInt32();
        }

        var tensors = new List<GgufTensorInfo>((int)tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            var infoAt = cursor.Position;
            var name = cursor.ReadString("tensor name");
            if (!names.Add(name))
            {
                throw new GgufFormatException($"Duplicate tensor name '{name}'", infoAt);
            }

            var dimsAt = cursor.Position;
            var nDims = cursor.ReadUInt32("tensor dimension count");
            if (nDims is 0 or > MaxDimensions)
            {
                throw new GgufFormatException($"Tensor '{name}' has {nDims} dimensions (1 to {MaxDimensions} are allowed)", dimsAt);
            }

            var dims = new long[nDims];
            long elements = 1;
            for (var d = 0; d < nDims; d++)
            {
                var dimAt = cursor.Position;
                var dim = cursor.ReadUInt64("tensor dimension");
                if (dim > long.MaxValue || (dim != 0 && elements > long.MaxValue / (long)dim))
                {
                    throw new GgufFormatException($"Tensor '{name}' dimension {d} = {dim} overflows the element count", dimAt);
                }

                dims[d] = (long)dim;
                elements *= (long)dim;
            }

            var typeAt = cursor.Position;
            var rawType = cursor.ReadUInt32("tensor type");
            var type = (GgmlType)rawType;
            if (rawType > int.MaxValue || !GgmlTypeInfo.IsKnown(type))
            {
                throw new GgufFormatException($"Tensor '{name}' has unknown ggml type {rawType}", typeAt);
            }

            var blockSize = GgmlTypeInfo.GetBlockSize(type);
            if (dims[0] % blockSize != 0)
            {
                throw new GgufFormatException($"Tensor '{name}' of type {type} has a first dimension {dims[0]} that is not a multiple of the block size {blockSize}", dimsAt);
            }

            var bytes = elements / blockSize * GgmlTypeInfo.GetBlockByteCount(type);
            if (bytes / GgmlTypeInfo.GetBlockByteCount(type) != elements / blockSize)
            {
                throw new GgufFormatException($"Tensor '{name}' is too large to address", dimsAt);
            }

            var offsetAt = cursor.Position;
            var offset = cursor.ReadUInt64("tensor data offset");
            if (offset % alignment != 0)
            {
                throw new GgufFormatException($"Tensor '{name}' data offset {offset} is not a multiple of the alignment {alignment}", offsetAt);
            }

            tensors.Add(new GgufTensorInfo(name, dims, type, offset, elements, bytes));
        }

        var dataOffset = cursor.Position;
        if (tensorCount > 0)
        {
            dataOffset = AlignUp(dataOffset, alignment);
            ValidateDataRanges(tensors, dataOffset, cursor.Length);
        }

        return new GgufFile(stream, leaveOpen, version, metadata, tensors, alignment, dataOffset);
    }

    /// <summary>Finds a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The tensor info, or <see langword="null"/> if there is none with that name.</returns>
    public GgufTensorInfo? FindTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _tensorsByName.GetValueOrDefault(name);
    }

    /// <summary>Reads part or all of a tensor's raw bytes.</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <param name="destination">Receives the bytes; at most <see cref="GgufTensorInfo.ByteCount"/> - <paramref name="byteOffset"/> are read.</param>
    /// <param name="byteOffset">Offset within the tensor's data.</param>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="ArgumentException">The tensor does not belong to this file.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteOffset"/> is outside the tensor.</exception>
    /// <exception cref="GgufFormatException">The file ended early (it changed since it was opened).</exception>
    public int ReadTensorData(GgufTensorInfo tensor, Span<byte> destination, long byteOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_tensorsByName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to this file.", nameof(tensor));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(byteOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteOffset, tensor.ByteCount);
        var count = (int)Math.Min(destination.Length, tensor.ByteCount - byteOffset);
        var start = DataOffset + (long)tensor.Offset + byteOffset;
        lock (_gate)
        {
            _stream.Position = start;
            var read = 0;
            while (read < count)
            {
                var n = _stream.Read(destination[read..count]);
                if (n == 0)
                {
                    throw new GgufFormatException($"Tensor '{tensor.Name}' data ends early; the file was truncated after it was opened", start + read);
                }

                read += n;
            }
        }

        return count;
    }

    /// <summary>Reads a tensor's raw bytes into a new array.</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="NotSupportedException">The tensor is larger than an array can hold; read it in parts.</exception>
    public byte[] ReadTensorData(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.ByteCount > Array.MaxLength)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has {tensor.ByteCount} bytes, more than one array holds; read it in parts with ReadTensorData(tensor, span, offset).");
        }

        var data = new byte[tensor.ByteCount];
        ReadTensorData(tensor, data);
        return data;
    }

    /// <summary>Reads a tensor and decodes it to 32-bit floats (F32, F16, BF16, Q8_0 and Q4_0 tensors).</summary>
    /// <param name="tensor">A tensor of this file.</param>
    /// <returns>The values in ggml order (innermost dimension first).</returns>
    /// <exception cref="NotSupportedException">The tensor's type cannot be decoded, or it is too large for one array.</exception>
    public float[] ReadTensorAsFloat32(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!GgmlTensorCodec.CanDecode(tensor.Type))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has type {tensor.Type}; decoding is supported for F32, F16, BF16, Q8_0 and Q4_0.");
        }

        if (tensor.ElementCount > Array.MaxLength)
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has {tensor.ElementCount} elements, more than one array holds.");
        }

        var values = new float[tensor.ElementCount];
        var blockSize = GgmlTypeInfo.GetBlockSize(tensor.Type);
        var blockBytes = GgmlTypeInfo.GetBlockByteCount(tensor.Type);
        var chunkBlocks = Math.Max(1, (1 << 20) / blockBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockBytes);
        try
        {
            long done = 0;
            var totalBlocks = tensor.ElementCount / blockSize;
            while (done < totalBlocks)
            {
                var n = (int)Math.Min(chunkBlocks, totalBlocks - done);
                var bytes = buffer.AsSpan(0, n * blockBytes);
                ReadTensorData(tensor, bytes, done * blockBytes);
                GgmlTensorCodec.Decode(tensor.Type, bytes, values.AsSpan((int)(done * blockSize), n * blockSize));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return values;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    internal static long AlignUp(long value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private static void ValidateDataRanges(List<GgufTensorInfo> tensors, long dataOffset, long fileLength)
    {
        var available = fileLength - dataOffset;
        foreach (var t in tensors)
        {
            if (available < 0 || t.Offset > (ulong)available || (ulong)t.ByteCount > (ulong)available - t.Offset)
            {
                throw new GgufFormatException(
                    $"Tensor '{t.Name}' data [{t.Offset}, {t.Offset + (ulong)t.ByteCount}) lies outside the data section of {Math.Max(available, 0)} bytes; the file is truncated or the offset is corrupt",
                    dataOffset + (long)Math.Min(t.Offset, long.MaxValue / 2));
            }
        }

        var sorted = tensors.Where(t => t.ByteCount > 0).OrderBy(t => t.Offset).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            var prev = sorted[i - 1];
            if (prev.Offset + (ulong)prev.ByteCount > sorted[i].Offset)
            {
                throw new GgufFormatException($"Tensor '{sorted[i].Name}' data overlaps tensor '{prev.Name}'", dataOffset + (long)sorted[i].Offset);
            }
        }
    }

    private static GgufValue ReadValue(Cursor cursor, GgufValueType type, int depth)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return GgufValue.FromUInt8(cursor.ReadByte("uint8 value"));
            case GgufValueType.Int8: return GgufValue.FromInt8((sbyte)cursor.ReadByte("int8 value"));
            case GgufValueType.UInt16: return GgufValue.FromUInt16(BinaryPrimitives.ReadUInt16LittleEndian(cursor.Take(2, "uint16 value")));
            case GgufValueType.Int16: return GgufValue.FromInt16(BinaryPrimitives.ReadInt16LittleEndian(cursor.Take(2, "int16 value")));
            case GgufValueType.UInt32: return GgufValue.FromUInt32(cursor.ReadUInt32("uint32 value"));
            case GgufValueType.Int32: return GgufValue.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(cursor.Take(4, "int32 value")));
            case GgufValueType.UInt64: return GgufValue.FromUInt64(cursor.ReadUInt64("uint64 value"));
            case GgufValueType.Int64: return GgufValue.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(cursor.Take(8, "int64 value")));
            case GgufValueType.Float32: return GgufValue.FromFloat32(BinaryPrimitives.ReadSingleLittleEndian(cursor.Take(4, "float32 value")));
            case GgufValueType.Float64: return GgufValue.FromFloat64(BinaryPrimitives.ReadDoubleLittleEndian(cursor.Take(8, "float64 value")));
            case GgufValueType.Bool: return GgufValue.FromBool(cursor.ReadBool());
            case GgufValueType.String: return GgufValue.FromString(cursor.ReadString("string value"));
            case GgufValueType.Array: return ReadArray(cursor, depth);
            default: throw new InvalidOperationException("unreachable");
        }
    }

    private static GgufValue ReadArray(Cursor cursor, int depth)
    {
        var at = cursor.Position;
        if (depth >= MaxArrayNesting)
        {
            throw new GgufFormatException($"Arrays nested deeper than {MaxArrayNesting} levels", at);
        }

        var elementType = cursor.ReadValueType("array element type");
        var countAt = cursor.Position;
        var count = cursor.ReadUInt64("array length");
        var minSize = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1UL,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2UL,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4UL,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8UL,
            _ => 12UL,
        };
        if (count > (ulong)cursor.Remaining / minSize || count > (ulong)Array.MaxLength)
        {
            throw new GgufFormatException($"Array of {count} {elementType} elements extends beyond the end of the file ({cursor.Remaining} bytes left)", countAt);
        }

        var n = (int)count;
        switch (elementType)
        {
            case GgufValueType.UInt8: return GgufValue.FromArray(cursor.Take(n, "uint8 array").ToArray());
            case GgufValueType.Int8: return GgufValue.FromArray(ReadNumbers(cursor, n, 1, s => (sbyte)s[0]));
            case GgufValueType.UInt16: return GgufValue.FromArray(ReadNumbers(cursor, n, 2, BinaryPrimitives.ReadUInt16LittleEndian));
            case GgufValueType.Int16: return GgufValue.FromArray(ReadNumbers(cursor, n, 2, BinaryPrimitives.ReadInt16LittleEndian));
            case GgufValueType.UInt32: return GgufValue.FromArray(ReadNumbers(cursor, n, 4, BinaryPrimitives.ReadUInt32LittleEndian));
            case GgufValueType.Int32: return GgufValue.FromArray(ReadNumbers(cursor, n, 4, BinaryPrimitives.ReadInt32LittleEndian));
            case GgufValueType.UInt64: return GgufValue.FromArray(ReadNumbers(cursor, n, 8, BinaryPrimitives.ReadUInt64LittleEndian));
            case GgufValueType.Int64: return GgufValue.FromArray(ReadNumbers(cursor, n, 8, BinaryPrimitives.ReadInt64LittleEndian));
            case GgufValueType.Float32: return GgufValue.FromArray(ReadNumbers(cursor, n, 4, BinaryPrimitives.ReadSingleLittleEndian));
            case GgufValueType.Float64: return GgufValue.FromArray(ReadNumbers(cursor, n, 8, BinaryPrimitives.ReadDoubleLittleEndian));
            case GgufValueType.Bool:
                {
                    var values = new bool[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = cursor.ReadBool();
                    }

                    return GgufValue.FromArray(values);
                }

            case GgufValueType.String:
                {
                    var values = new string[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = cursor.ReadString("string array element");
                    }

                    return GgufValue.FromArray(values);
                }

            default:
                {
                    var values = new GgufValue[n];
                    for (var i = 0; i < n; i++)
                    {
                        values[i] = ReadArray(cursor, depth + 1);
                    }

                    return GgufValue.CreateArray(GgufValueType.Array, values);
                }
        }
    }

    private static T[] ReadNumbers<T>(Cursor cursor, int count, int size, ReadSpan<T> read)
    {
        var values = new T[count];
        var i = 0;
        while (i < count)
        {
            var batch = Math.Min(count - i, 4096);
            var bytes = cursor.Take(batch * size, $"{typeof(T).Name} array");
            for (var j = 0; j < batch; j++)
            {
                values[i + j] = read(bytes.Slice(j * size, size));
            }

            i += batch;
        }

        return values;
    }

    private delegate T ReadSpan<out T>(ReadOnlySpan<byte> source);

    /// <summary>A forward-only buffered reader over the header region that checks every read against the file length.</summary>
    private sealed class Cursor
    {
        private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        private readonly Stream _stream;
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public Cursor(Stream stream)
        {
            _stream = stream;
            Length = stream.Length;
            stream.Position = 0;
        }

        public long Length { get; }

        public long Position { get; private set; }

        public long Remaining => Length - Position;

        public ReadOnlySpan<byte> Take(int count, string what)
        {
            if (count > Remaining)
            {
                throw new GgufFormatException($"Truncated file: {what} needs {count} bytes but only {Remaining} remain", Position);
            }

            if (_end - _start < count)
            {
                Fill(count);
            }

            var span = _buffer.AsSpan(_start, count);
            _start += count;
            Position += count;
            return span;
        }

        public byte ReadByte(string what) => Take(1, what)[0];

        public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

        public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

        public bool ReadBool()
        {
            var at = Position;
            var b = ReadByte("bool value");
            return b switch
            {
                0 => false,
                1 => true,
                _ => throw new GgufFormatException($"Bool value {b} is neither 0 nor 1", at),
            };
        }

        public GgufValueType ReadValueType(string what)
        {
            var at = Position;
            var raw = ReadUInt32(what);
            if (raw > (uint)GgufValueType.Float64)
            {
                throw new GgufFormatException($"Unknown metadata value type {raw} in {what}", at);
            }

            return (GgufValueType)raw;
        }

        public string ReadString(string what)
        {
            var at = Position;
            var length = ReadUInt64($"{what} length");
            if (length > (ulong)Remaining)
            {
                throw new GgufFormatException($"String length {length} of {what} extends beyond the end of the file ({Remaining} bytes left)", at);
            }

            if (length > int.MaxValue / 2)
            {
                throw new GgufFormatException($"String length {length} of {what} is too large", at);
            }

            return Utf8.GetString(Take((int)length, what));
        }

        private void Fill(int count)
        {
            var have = _end - _start;
            if (count > _buffer.Length)
            {
                var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
                _buffer.AsSpan(_start, have).CopyTo(bigger);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, have).CopyTo(_buffer);
            }

            _start = 0;
            _end = have;
            _stream.Position = Position + have;
            while (_end - _start < count)
            {
                var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
                if (n == 0)
                {
                    throw new GgufFormatException($"Truncated file: the stream ended before its reported length {Length}", Position + _end);
                }

                _end += n;
            }
        }
    }
}
