using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Swarm.Inference.Gguf;

/// <summary>Writes a GGUF v3 file as a stream: declare metadata and tensors, then write each tensor's data in order,
/// chunk by chunk, so a multi-gigabyte model never sits in memory.</summary>
/// <remarks>
/// <para>Order of use: <see cref="AddMetadata"/> and <see cref="AddTensor"/> (any number), then the header is written by
/// <see cref="WriteHeader"/> or by the first data write, then the data of each tensor in declaration order through
/// <see cref="WriteTensorData"/> (raw, already-encoded bytes) or <see cref="WriteTensorValues"/> (floats encoded to the
/// tensor's type: F32, F16, BF16 or Q8_0), then <see cref="Complete"/>. Each tensor's data is padded to
/// <see cref="Alignment"/>; offsets are contiguous. Not thread-safe.</para>
/// </remarks>
public sealed class GgufWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly OrderedDictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<GgufTensorInfo> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private uint _alignment = GgufFile.DefaultAlignment;
    private ulong _nextOffset;
    private State _state;
    private int _current;
    private long _writtenInCurrent;
    private long _position;
    private byte[]? _scratch;

    /// <summary>Initializes a writer over <paramref name="destination"/>.</summary>
    /// <param name="destination">A writable stream; the file is written from its current position.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves the stream open.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public GgufWriter(Stream destination, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The destination stream must be writable.", nameof(destination));
        }

        _stream = destination;
        _leaveOpen = leaveOpen;
    }

    private enum State
    {
        Declaring,
        Data,
        Completed,
    }

    /// <summary>Gets or sets the data alignment (a power of two; default 32). A value other than 32 is recorded as <c>general.alignment</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or not a power of two.</exception>
    /// <exception cref="InvalidOperationException">Tensors were already declared.</exception>
    public uint Alignment
    {
        get => _alignment;
        set
        {
            if (value == 0 || !uint.IsPow2(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The alignment must be a non-zero power of two.");
            }

            if (_tensors.Count > 0)
            {
                throw new InvalidOperationException("Set the alignment before declaring tensors.");
            }

            _alignment = value;
        }
    }

    /// <summary>Gets the tensors declared so far, with their assigned offsets.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors;

    /// <summary>Gets the tensor whose data is expected next, or <see langword="null"/> when all data is written.</summary>
    public GgufTensorInfo? CurrentTensor => _state == State.Data && _current < _tensors.Count ? _tensors[_current] : null;

    /// <summary>Creates a writer that writes a new file at <paramref name="path"/> (replacing any existing file).</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The writer; dispose it to close the file.</returns>
    public static GgufWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new GgufWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20), leaveOpen: false);
    }

    /// <summary>Adds a metadata key/value (written in the order added).</summary>
    /// <param name="key">The key, e.g. <c>llama.block_count</c>.</param>
    /// <param name="value">The typed value.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The key is empty or already added, or <c>general.alignment</c> is not a power-of-two uint32.</exception>
    /// <exception cref="InvalidOperationException">The header was already written.</exception>
    public GgufWriter AddMetadata(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureDeclaring();
        if (key == "general.alignment")
        {
            if (value.Type != GgufValueType.UInt32)
            {
                throw new ArgumentException("general.alignment must be a uint32.", nameof(value));
            }

            Alignment = value.AsUInt32();
        }

        if (!_metadata.TryAdd(key, value))
        {
            throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
        }

        return this;
    }

    /// <summary>Declares a tensor; its data must later be written in declaration order.</summary>
    /// <param name="name">The unique tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
    /// <param name="type">The element type (any type whose layout is known; raw data is written as given).</param>
    /// <param name="dimensions">1 to 4 dimensions in ggml order (innermost first); the first must be a multiple of the type's block size.</param>
    /// <returns>The tensor info with its data offset.</returns>
    /// <exception cref="ArgumentException">The name is empty or taken, or the shape is invalid for the type.</exception>
    /// <exception cref="InvalidOperationException">The header was already written.</exception>
    public GgufTensorInfo AddTensor(string name, GgmlType type, params ReadOnlySpan<long> dimensions)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureDeclaring();
        if (!GgmlTypeInfo.IsKnown(type))
        {
            throw new ArgumentException($"ggml type {(int)type} is not a known tensor type.", nameof(type));
        }

        if (dimensions.Length is 0 or > 4)
        {
            throw new ArgumentException($"A tensor has 1 to 4 dimensions; '{name}' has {dimensions.Length}.", nameof(dimensions));
        }

        long elements = 1;
        foreach (var d in dimensions)
        {
            if (d <= 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a dimension {d}; dimensions must be positive.", nameof(dimensions));
            }

            elements = checked(elements * d);
        }

        var blockSize = GgmlTypeInfo.GetBlockSize(type);
        if (dimensions[0] % blockSize != 0)
        {
            throw new ArgumentException($"Tensor '{name}' of type {type} needs a first dimension that is a multiple of {blockSize}; it is {dimensions[0]}.", nameof(dimensions));
        }

        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"Tensor '{name}' was already declared.", nameof(name));
        }

        var bytes = GgmlTypeInfo.GetByteCount(type, elements);
        var info = new GgufTensorInfo(name, dimensions.ToArray(), type, _nextOffset, elements, bytes);
        _tensors.Add(info);
        _nextOffset = (ulong)GgufFile.AlignUp((long)_nextOffset + bytes, _alignment);
        return info;
    }

    /// <summary>Writes the header (magic, version 3, counts, metadata, tensor infos) and the padding before the data section.</summary>
    /// <exception cref="InvalidOperationException">The header was already written.</exception>
    public void WriteHeader()
    {
        EnsureDeclaring();
        if (_alignment != GgufFile.DefaultAlignment && !_metadata.ContainsKey("general.alignment"))
        {
            _metadata.Add("general.alignment", GgufValue.FromUInt32(_alignment));
        }

        using var header = new MemoryStream();
        using (var w = new BinaryWriter(header, Utf8, leaveOpen: true))
        {
            w.Write(GgufFile.Magic);
            w.Write(3u);
            w.Write((ulong)_tensors.Count);
            w.Write((ulong)_metadata.Count);
            foreach (var (key, value) in _metadata)
            {
                WriteString(w, key);
                w.Write((uint)value.Type);
                WriteValue(w, value);
            }

            foreach (var t in _tensors)
            {
                WriteString(w, t.Name);
                w.Write((uint)t.Dimensions.Count);
                foreach (var d in t.Dimensions)
                {
                    w.Write((ulong)d);
                }

                w.Write((uint)t.Type);
                w.Write(t.Offset);
            }
        }

        if (_tensors.Count > 0)
        {
            header.SetLength(GgufFile.AlignUp(header.Length, _alignment));
        }

        header.Position = 0;
        header.CopyTo(_stream);
        _position = header.Length;
        _state = State.Data;
        _current = 0;
        _writtenInCurrent = 0;
    }

    /// <summary>Appends already-encoded bytes to the current tensor's data; crossing into the next tensor is not allowed.</summary>
    /// <param name="data">Bytes no longer than what the current tensor still needs.</param>
    /// <exception cref="InvalidOperationException">No tensor data is expected, or the writer is completed.</exception>
    /// <exception cref="ArgumentException">More bytes than the current tensor needs.</exception>
    public void WriteTensorData(ReadOnlySpan<byte> data)
    {
        var tensor = BeginData();
        var left = tensor.ByteCount - _writtenInCurrent;
        if (data.Length > left)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' needs {left} more bytes; {data.Length} were given.", nameof(data));
        }

        _stream.Write(data);
        _writtenInCurrent += data.Length;
        _position += data.Length;
        FinishTensorIfFull(tensor);
    }

    /// <summary>Encodes floats to the current tensor's type (F32, F16, BF16 or Q8_0) and appends them.</summary>
    /// <param name="values">Values in ggml order; for Q8_0 a multiple of 32; no more than the tensor still needs.</param>
    /// <exception cref="NotSupportedException">The current tensor's type cannot be encoded from floats.</exception>
    /// <exception cref="ArgumentException">Too many values, or not a whole number of blocks.</exception>
    /// <exception cref="InvalidOperationException">No tensor data is expected.</exception>
    public void WriteTensorValues(ReadOnlySpan<float> values)
    {
        var tensor = BeginData();
        if (!GgmlTensorCodec.CanEncode(tensor.Type))
        {
            throw new NotSupportedException($"Tensor '{tensor.Name}' has type {tensor.Type}; floats can be encoded to F32, F16, BF16 and Q8_0 only. Write raw bytes with WriteTensorData.");
        }

        var blockSize = GgmlTypeInfo.GetBlockSize(tensor.Type);
        var blockBytes = GgmlTypeInfo.GetBlockByteCount(tensor.Type);
        if (values.Length % blockSize != 0)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' of type {tensor.Type} takes values in blocks of {blockSize}; {values.Length} is not a multiple.", nameof(values));
        }

        var leftElements = (tensor.ByteCount - _writtenInCurrent) / blockBytes * blockSize;
        if (values.Length > leftElements)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' needs {leftElements} more values; {values.Length} were given.", nameof(values));
        }

        const int ChunkElements = 1 << 16;
        _scratch ??= ArrayPool<byte>.Shared.Rent(ChunkElements * 4);
        while (!values.IsEmpty)
        {
            var n = Math.Min(values.Length, ChunkElements);
            var bytes = n / blockSize * blockBytes;
            GgmlTensorCodec.Encode(tensor.Type, values[..n], _scratch.AsSpan(0, bytes));
            _stream.Write(_scratch, 0, bytes);
            _writtenInCurrent += bytes;
            _position += bytes;
            values = values[n..];
        }

        FinishTensorIfFull(tensor);
    }

    /// <summary>Checks that every declared tensor's data was written and flushes the stream.</summary>
    /// <exception cref="InvalidOperationException">Some tensor data is missing.</exception>
    public void Complete()
    {
        if (_state == State.Completed)
        {
            return;
        }

        if (_state == State.Declaring)
        {
            WriteHeader();
        }

        if (_current < _tensors.Count)
        {
            var t = _tensors[_current];
            throw new InvalidOperationException($"Tensor '{t.Name}' has {_writtenInCurrent} of {t.ByteCount} bytes written; {_tensors.Count - _current} tensor(s) incomplete.");
        }

        _stream.Flush();
        _state = State.Completed;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }

        _state = State.Completed;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Utf8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValue value)
    {
        switch (value.Value)
        {
            case Array array:
                WriteArray(w, value.ArrayElementType!.Value, array);
                break;
            case string s:
                WriteString(w, s);
                break;
            case bool v: w.Write(v ? (byte)1 : (byte)0); break;
            default: WriteScalar(w, value.Value); break;
        }
    }

    private static void WriteArray(BinaryWriter w, GgufValueType elementType, Array array)
    {
        w.Write((uint)elementType);
        w.Write((ulong)array.Length);
        switch (array)
        {
            case GgufValue[] nested:
                foreach (var a in nested)
                {
                    WriteArray(w, a.ArrayElementType!.Value, (Array)a.Value);
                }

                break;
            case string[] strings:
                foreach (var s in strings)
                {
                    WriteString(w, s);
                }

                break;
            case bool[] bools:
                foreach (var b in bools)
                {
                    w.Write(b ? (byte)1 : (byte)0);
                }

                break;
            default:
                foreach (var item in array)
                {
                    WriteScalar(w, item);
                }

                break;
        }
    }

    private static void WriteScalar(BinaryWriter w, object item)
    {
        switch (item)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case float v: w.Write(v); break;
            case double v: w.Write(v); break;
            default: throw new InvalidOperationException($"Unexpected GGUF value {item}.");
        }
    }

    private void EnsureDeclaring()
    {
        if (_state != State.Declaring)
        {
            throw new InvalidOperationException("The GGUF header was already written; metadata and tensors must be declared first.");
        }
    }

    private GgufTensorInfo BeginData()
    {
        if (_state == State.Declaring)
        {
            WriteHeader();
        }

        if (_state == State.Completed)
        {
            throw new InvalidOperationException("The writer is completed or disposed.");
        }

        if (_current >= _tensors.Count)
        {
            throw new InvalidOperationException("All declared tensors are already written.");
        }

        return _tensors[_current];
    }

    private void FinishTensorIfFull(GgufTensorInfo tensor)
    {
        if (_writtenInCurrent != tensor.ByteCount)
        {
            return;
        }

        var padded = GgufFile.AlignUp(_position, _alignment);
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        while (_position < padded)
        {
            var n = (int)Math.Min(zeros.Length, padded - _position);
            _stream.Write(zeros[..n]);
            _position += n;
        }

        _current++;
        _writtenInCurrent = 0;
    }
}
