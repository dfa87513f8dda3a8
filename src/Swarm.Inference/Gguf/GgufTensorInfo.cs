namespace Swarm.Inference.Gguf;

/// <summary>One tensor's entry in a GGUF file: name, shape, element type and where its data lies.</summary>
/// <remarks>Immutable and thread-safe. <see cref="Dimensions"/> are in ggml order: the first is the innermost
/// (contiguous) dimension, e.g. <c>token_embd.weight</c> is <c>[n_embd, n_vocab]</c>.</remarks>
public sealed class GgufTensorInfo
{
    internal GgufTensorInfo(string name, long[] dimensions, GgmlType type, ulong offset, long elementCount, long byteCount)
    {
        Name = name;
        Dimensions = dimensions;
        Type = type;
        Offset = offset;
        ElementCount = elementCount;
        ByteCount = byteCount;
    }

    /// <summary>Gets the tensor's name, e.g. <c>blk.0.attn_q.weight</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the shape in ggml order (innermost first); 1 to 4 dimensions.</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>Gets the element type.</summary>
    public GgmlType Type { get; }

    /// <summary>Gets the offset of the tensor's data from the start of the file's data section (a multiple of the alignment).</summary>
    public ulong Offset { get; }

    /// <summary>Gets the number of elements (the product of the dimensions).</summary>
    public long ElementCount { get; }

    /// <summary>Gets the number of data bytes, without alignment padding.</summary>
    public long ByteCount { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Dimensions)}] @ {Offset}";
}
