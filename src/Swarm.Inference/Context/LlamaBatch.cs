using System.Runtime.InteropServices;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>Tokens for one <see cref="LlamaContext.Decode"/> call: each with a position, sequence ids and whether its logits are wanted.</summary>
/// <remarks>
/// Not thread-safe. The arrays live in native memory owned by the batch (no copy per decode).
/// The index of a token in the batch is the index its logits are read back with (<see cref="LlamaContext.GetLogits"/>).
/// </remarks>
public sealed unsafe class LlamaBatch : IDisposable
{
    private readonly int maxSequencesPerToken;
    private LlamaBatchNative native;
    private void* block;

    /// <summary>Initializes a new instance of the <see cref="LlamaBatch"/> class.</summary>
    /// <param name="capacity">The most tokens the batch holds.</param>
    /// <param name="maxSequencesPerToken">The most sequence ids one token may belong to.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public LlamaBatch(int capacity, int maxSequencesPerToken = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSequencesPerToken);
        Capacity = capacity;
        this.maxSequencesPerToken = maxSequencesPerToken;

        // One zeroed block: token | pos | n_seq_id | seq_id ids | seq_id pointers | logits.
        var ints = (nuint)capacity * (3 + (nuint)maxSequencesPerToken);
        var bytes = (ints * sizeof(int)) + ((nuint)capacity * (nuint)sizeof(int*)) + (nuint)capacity;
        block = NativeMemory.AllocZeroed(bytes);
        var p = (int*)block;
        native.Token = p;
        native.Pos = p + capacity;
        native.NSeqId = p + (2 * capacity);
        var ids = p + (3 * capacity);
        native.SeqId = (int**)(ids + (capacity * maxSequencesPerToken));
        for (var i = 0; i < capacity; i++)
        {
            native.SeqId[i] = ids + (i * maxSequencesPerToken);
        }

        native.Logits = (sbyte*)(native.SeqId + capacity);
    }

    /// <summary>Finalizes an instance of the <see cref="LlamaBatch"/> class.</summary>
    ~LlamaBatch() => Free();

    /// <summary>Gets the most tokens the batch holds.</summary>
    public int Capacity { get; }

    /// <summary>Gets the number of tokens in the batch.</summary>
    public int Count => native.NTokens;

    /// <summary>Gets the number of tokens whose logits are requested.</summary>
    public int OutputCount
    {
        get
        {
            ThrowIfDisposed();
            var n = 0;
            for (var i = 0; i < native.NTokens; i++)
            {
                n += native.Logits[i] != 0 ? 1 : 0;
            }

            return n;
        }
    }

    internal LlamaBatchNative Native => native;

    /// <summary>Adds a token of one sequence.</summary>
    /// <param name="token">The token id.</param>
    /// <param name="position">Its position in the sequence (0-based).</param>
    /// <param name="sequenceId">The sequence id.</param>
    /// <param name="logits">Whether logits are computed for this token.</param>
    /// <returns>The token's index in the batch.</returns>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    public int Add(int token, int position, int sequenceId, bool logits)
    {
        ThrowIfDisposed();
        var i = native.NTokens;
        if (i >= Capacity)
        {
            throw new InvalidOperationException($"The batch is full ({Capacity} tokens).");
        }

        native.Token[i] = token;
        native.Pos[i] = position;
        native.NSeqId[i] = 1;
        native.SeqId[i][0] = sequenceId;
        native.Logits[i] = logits ? (sbyte)1 : (sbyte)0;
        native.NTokens = i + 1;
        return i;
    }

    /// <summary>Adds a token shared by several sequences (for example a common prompt prefix).</summary>
    /// <param name="token">The token id.</param>
    /// <param name="position">Its position.</param>
    /// <param name="sequenceIds">The sequence ids (at most the per-token limit given at construction).</param>
    /// <param name="logits">Whether logits are computed for this token.</param>
    /// <returns>The token's index in the batch.</returns>
    /// <exception cref="ArgumentException"><paramref name="sequenceIds"/> is empty or too long.</exception>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    public int Add(int token, int position, ReadOnlySpan<int> sequenceIds, bool logits)
    {
        if (sequenceIds.IsEmpty || sequenceIds.Length > maxSequencesPerToken)
        {
            throw new ArgumentException($"A token belongs to 1 to {maxSequencesPerToken} sequences; {sequenceIds.Length} were given.", nameof(sequenceIds));
        }

        var i = Add(token, position, sequenceIds[0], logits);
        sequenceIds.CopyTo(new Span<int>(native.SeqId[i], maxSequencesPerToken));
        native.NSeqId[i] = sequenceIds.Length;
        return i;
    }

    /// <summary>Adds consecutive tokens of one sequence starting at <paramref name="startPosition"/>.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <param name="startPosition">The position of the first token.</param>
    /// <param name="sequenceId">The sequence id.</param>
    /// <param name="logits">Which tokens get logits.</param>
    /// <returns>The index of the first added token.</returns>
    /// <exception cref="InvalidOperationException">The tokens do not fit.</exception>
    public int AddRange(ReadOnlySpan<int> tokens, int startPosition, int sequenceId, LlamaBatchLogits logits = LlamaBatchLogits.Last)
    {
        ThrowIfDisposed();
        if (native.NTokens + tokens.Length > Capacity)
        {
            throw new InvalidOperationException($"{tokens.Length} tokens do not fit in the batch ({Count} of {Capacity} used).");
        }

        var first = native.NTokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            var want = logits == LlamaBatchLogits.All || (logits == LlamaBatchLogits.Last && i == tokens.Length - 1);
            Add(tokens[i], startPosition + i, sequenceId, want);
        }

        return first;
    }

    /// <summary>Sets whether logits are computed for the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token's index.</param>
    /// <param name="logits">Whether to compute its logits.</param>
    public void SetLogits(int index, bool logits)
    {
        CheckIndex(index);
        native.Logits[index] = logits ? (sbyte)1 : (sbyte)0;
    }

    /// <summary>Gets the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token's index.</param>
    /// <returns>The token id.</returns>
    public int GetToken(int index)
    {
        CheckIndex(index);
        return native.Token[index];
    }

    /// <summary>Gets the position of the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token's index.</param>
    /// <returns>The position.</returns>
    public int GetPosition(int index)
    {
        CheckIndex(index);
        return native.Pos[index];
    }

    /// <summary>Gets the (first) sequence id of the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token's index.</param>
    /// <returns>The sequence id.</returns>
    public int GetSequenceId(int index)
    {
        CheckIndex(index);
        return native.SeqId[index][0];
    }

    /// <summary>Gets whether logits are computed for the token at <paramref name="index"/>.</summary>
    /// <param name="index">The token's index.</param>
    /// <returns><see langword="true"/> when its logits are requested.</returns>
    public bool HasLogits(int index)
    {
        CheckIndex(index);
        return native.Logits[index] != 0;
    }

    /// <summary>Removes all tokens (keeps the memory).</summary>
    public void Clear()
    {
        ThrowIfDisposed();
        native.NTokens = 0;
    }

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void CheckIndex(int index)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, native.NTokens);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(block is null, this);

    private void Free()
    {
        if (block is not null)
        {
            NativeMemory.Free(block);
            block = null;
            native = default;
        }
    }
}
