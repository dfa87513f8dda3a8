namespace Swarm.Inference.Gguf;

/// <summary>Block layout of the <see cref="GgmlType"/>s: elements per block and bytes per block, as ggml defines them.</summary>
/// <remarks>Thread-safe: the table is immutable.</remarks>
public static class GgmlTypeInfo
{
    /// <summary>Whether <paramref name="type"/> is a type whose layout this library knows.</summary>
    /// <param name="type">The tensor type.</param>
    /// <returns><see langword="true"/> when <see cref="GetBlockSize"/> and <see cref="GetBlockByteCount"/> answer for it.</returns>
    public static bool IsKnown(GgmlType type) => Layout(type).BlockSize != 0;

    /// <summary>The number of elements in one block of <paramref name="type"/> (1 for plain types, 32 for Q8_0, 256 for k-quants).</summary>
    /// <param name="type">The tensor type.</param>
    /// <returns>Elements per block.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The type is not known.</exception>
    public static int GetBlockSize(GgmlType type) => Known(type).BlockSize;

    /// <summary>The number of bytes one block of <paramref name="type"/> occupies.</summary>
    /// <param name="type">The tensor type.</param>
    /// <returns>Bytes per block.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The type is not known.</exception>
    public static int GetBlockByteCount(GgmlType type) => Known(type).BlockBytes;

    /// <summary>The bytes <paramref name="elementCount"/> elements of <paramref name="type"/> occupy.</summary>
    /// <param name="type">The tensor type.</param>
    /// <param name="elementCount">A multiple of the type's block size.</param>
    /// <returns>The byte count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The type is not known, the count is negative or not a multiple of the block size.</exception>
    /// <exception cref="OverflowException">The size does not fit in 64 bits.</exception>
    public static long GetByteCount(GgmlType type, long elementCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementCount);
        var (blockSize, blockBytes) = Known(type);
        if (elementCount % blockSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(elementCount), elementCount, $"{type} stores elements in blocks of {blockSize}; {elementCount} is not a multiple.");
        }

        return checked(elementCount / blockSize * blockBytes);
    }

    private static (int BlockSize, int BlockBytes) Known(GgmlType type)
    {
        var layout = Layout(type);
        if (layout.BlockSize == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"ggml type {(int)type} is not a known tensor type.");
        }

        return layout;
    }

    private static (int BlockSize, int BlockBytes) Layout(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.BF16 => (1, 2),
        GgmlType.F64 => (1, 8),
        GgmlType.I8 => (1, 1),
        GgmlType.I16 => (1, 2),
        GgmlType.I32 => (1, 4),
        GgmlType.I64 => (1, 8),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (256, 84),
        GgmlType.Q3_K => (256, 110),
        GgmlType.Q4_K => (256, 144),
        GgmlType.Q5_K => (256, 176),
        GgmlType.Q6_K => (256, 210),
        GgmlType.Q8_K => (256, 292),
        GgmlType.IQ2_XXS => (256, 66),
        GgmlType.IQ2_XS => (256, 74),
        GgmlType.IQ3_XXS => (256, 98),
        GgmlType.IQ1_S => (256, 50),
        GgmlType.IQ4_NL => (32, 18),
        GgmlType.IQ3_S => (256, 110),
        GgmlType.IQ2_S => (256, 82),
        GgmlType.IQ4_XS => (256, 136),
        GgmlType.IQ1_M => (256, 56),
        GgmlType.TQ1_0 => (256, 54),
        GgmlType.TQ2_0 => (256, 66),
        GgmlType.MXFP4 => (32, 17),
        GgmlType.NVFP4 => (64, 36),
        GgmlType.Q1_0 => (128, 18),
        GgmlType.Q2_0 => (64, 18),
        _ => (0, 0),
    };
}
