using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Swarm;

/// <summary>
/// Writes SQLite's JSONB, the binary JSON that SQLite's JSON functions read from a BLOB (SQLite 3.45 and later), into a reused
/// buffer. Every element is a header and a payload: the header's first byte holds the element type in its low four bits and, in
/// its high four, the payload size (0 to 11) or how many big-endian bytes after it hold the size (12: one, 13: two, 14: four).
/// Payloads: text as UTF-8, numbers as their JSON text, an array or object as its elements (an object's alternate keys and values).
/// A container's size is known when it ends: <see cref="StartContainer"/> reserves a two-byte header and
/// <see cref="EndContainer"/> writes it, moving the payload when another header size fits, so every header is the shortest one.
/// </summary>
/// <remarks>Not thread-safe; a writer is reused by one thread at a time.</remarks>
internal sealed class JsonbWriter
{
    internal const byte Null = 0;
    internal const byte True = 1;
    internal const byte False = 2;
    internal const byte Int = 3;
    internal const byte Float = 5;
    internal const byte Text = 7;
    internal const byte TextJ = 8;
    internal const byte TextRaw = 10;
    internal const byte Array = 11;
    internal const byte Object = 12;

    /// <summary>The characters JSON text must escape: a string holding one is written as TEXTRAW (SQLite escapes it when rendering).</summary>
    private static readonly SearchValues<char> MustEscape = SearchValues.Create("\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private byte[] _buffer;
    private int _length;

    public JsonbWriter(int initialCapacity = 256) => _buffer = new byte[initialCapacity];

    /// <summary>Gets the bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Gets the number of bytes written since the last <see cref="Reset"/>.</summary>
    public int Length => _length;

    /// <summary>Gets the capacity of the buffer (a caller drops a writer that grew for one huge value).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Forgets what was written.</summary>
    public void Reset() => _length = 0;

    public void WriteNull() => WriteHeader(Null, 0);

    public void WriteBoolean(bool value) => WriteHeader(value ? True : False, 0);

    public void WriteInt64(long value)
    {
        // Formatted in place after a one-byte header; a number of more than 11 digits moves one byte right for a longer header.
        Ensure(22);
        if ((ulong)value < 10)
        {
            _buffer[_length] = (1 << 4) | Int;
            _buffer[_length + 1] = (byte)('0' + value);
            _length += 2;
            return;
        }

        value.TryFormat(_buffer.AsSpan(_length + 1), out var count, default, CultureInfo.InvariantCulture);
        if (count > 11)
        {
            _buffer.AsSpan(_length + 1, count).CopyTo(_buffer.AsSpan(_length + 2));
            EncodeHeader(_buffer.AsSpan(_length, 2), Int, count);
            _length += 2 + count;
            return;
        }

        _buffer[_length] = (byte)((count << 4) | Int);
        _length += 1 + count;
    }

    /// <summary>Writes a string (null as JSON null): TEXT when it needs no escaping in JSON, else TEXTRAW.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        if (value.Length <= 64 && TryWriteShortAscii(value))
        {
            return;
        }

        var size = Encoding.UTF8.GetByteCount(value);
        WriteHeader(value.AsSpan().ContainsAny(MustEscape) ? TextRaw : Text, size);
        Ensure(size);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Writes a short string when it is all ASCII (step ids, roles, short outputs); false, writing nothing, otherwise.</summary>
    private bool TryWriteShortAscii(string value)
    {
        var header = HeaderLength(value.Length);
        Ensure(header + value.Length);
        if (System.Text.Ascii.FromUtf16(value, _buffer.AsSpan(_length + header, value.Length), out _) != OperationStatus.Done)
        {
            return false;
        }

        EncodeHeader(_buffer.AsSpan(_length, header), value.AsSpan().ContainsAny(MustEscape) ? TextRaw : Text, value.Length);
        _length += header + value.Length;
        return true;
    }

    /// <summary>Starts an array or object; returns the mark to end it with.</summary>
    public int StartContainer()
    {
        Ensure(2);
        var mark = _length;
        _length += 2;
        return mark;
    }

    /// <summary>Ends the container started at <paramref name="mark"/>, giving it the shortest header for its size.</summary>
    public void EndContainer(int mark, byte type)
    {
        var payloadStart = mark + 2;
        var size = _length - payloadStart;
        var header = HeaderLength(size);
        if (header != 2)
        {
            Ensure(header - 2);
            _buffer.AsSpan(payloadStart, size).CopyTo(_buffer.AsSpan(mark + header));
            _length += header - 2;
        }

        EncodeHeader(_buffer.AsSpan(mark, header), type, size);
    }

    /// <summary>Writes the JSON text of one value (as <see cref="Utf8JsonWriter"/> writes it) as JSONB.</summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public void WriteJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var marks = new Stack<(int Mark, byte Type)>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    marks.Push((StartContainer(), Object));
                    break;
                case JsonTokenType.StartArray:
                    marks.Push((StartContainer(), Array));
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    var (mark, type) = marks.Pop();
                    EndContainer(mark, type);
                    break;
                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    // The payload of TEXTJ is the string as JSON text spells it between the quotes, escapes and all.
                    WriteElement(reader.ValueIsEscaped ? TextJ : Text, reader.ValueSpan);
                    break;
                case JsonTokenType.Number:
                    WriteElement(reader.ValueSpan.IndexOfAny(".eE"u8) >= 0 ? Float : Int, reader.ValueSpan);
                    break;
                case JsonTokenType.True:
                    WriteBoolean(true);
                    break;
                case JsonTokenType.False:
                    WriteBoolean(false);
                    break;
                case JsonTokenType.Null:
                    WriteNull();
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Reserves room for an array header of any size at the start of a buffer that grows by whole elements.</summary>
    internal const int ReservedHeader = 9;

    /// <summary>
    /// Writes, into the <see cref="ReservedHeader"/> bytes before a payload, the header of an array of that payload, right-aligned
    /// against it; returns where the header starts.
    /// </summary>
    internal static int WriteArrayHeaderBefore(Span<byte> reserved, int payloadSize)
    {
        var header = HeaderLength(payloadSize);
        var start = ReservedHeader - header;
        EncodeHeader(reserved.Slice(start, header), Array, payloadSize);
        return start;
    }

    private void WriteElement(byte type, ReadOnlySpan<byte> payload)
    {
        WriteHeader(type, payload.Length);
        Ensure(payload.Length);
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;
    }

    private void WriteHeader(byte type, int size)
    {
        var header = HeaderLength(size);
        Ensure(header);
        EncodeHeader(_buffer.AsSpan(_length, header), type, size);
        _length += header;
    }

    private static int HeaderLength(int size) => size switch
    {
        <= 11 => 1,
        <= byte.MaxValue => 2,
        <= ushort.MaxValue => 3,
        _ => 5,
    };

    private static void EncodeHeader(Span<byte> header, byte type, int size)
    {
        switch (header.Length)
        {
            case 1:
                header[0] = (byte)((size << 4) | type);
                break;
            case 2:
                header[0] = (byte)(0xC0 | type);
                header[1] = (byte)size;
                break;
            case 3:
                header[0] = (byte)(0xD0 | type);
                BinaryPrimitives.WriteUInt16BigEndian(header[1..], (ushort)size);
                break;
            default:
                header[0] = (byte)(0xE0 | type);
                BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
                break;
        }
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
