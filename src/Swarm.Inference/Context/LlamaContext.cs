using System.Globalization;
using System.Runtime.CompilerServices;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>An inference context on a <see cref="LlamaModel"/>: the KV cache of up to <see cref="MaxSequenceCount"/> sequences, decoding and logits.</summary>
/// <remarks>
/// Not thread-safe: one caller at a time (a concurrent call throws <see cref="InvalidOperationException"/>).
/// Disposing while another thread decodes is safe: the native context is freed when that call returns, and the
/// next call throws <see cref="ObjectDisposedException"/>. Spans from <see cref="GetLogits"/> are valid until the next decode.
/// </remarks>
public sealed class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle handle;
    private int busy;

    internal LlamaContext(LlamaModel model, LlamaContextOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MicroBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSequenceCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxSequenceCount, (int)LlamaNative.llama_max_parallel_sequences());
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ThreadCount);
        ArgumentOutOfRangeException.ThrowIfNegative(options.BatchThreadCount);
        Model = model;

        var p = LlamaNative.llama_context_default_params();
        p.NCtx = (uint)options.ContextSize;
        p.NBatch = (uint)options.BatchSize;
        p.NUbatch = (uint)(options.MicroBatchSize == 0 ? options.BatchSize : options.MicroBatchSize);
        p.NSeqMax = (uint)options.MaxSequenceCount;
        p.NOutputsMaxPerSeq = 0; // logits at every position of a sequence (speculative verification)
        p.NThreads = options.ThreadCount;
        p.NThreadsBatch = options.BatchThreadCount == 0 ? options.ThreadCount : options.BatchThreadCount;
        p.KvUnified = options.UnifiedKvCache ? (byte)1 : (byte)0;
        p.Embeddings = options.Embeddings ? (byte)1 : (byte)0;
        p.PoolingType = options.Embeddings ? 1 : -1; // MEAN for embeddings, otherwise the model's
        p.FlashAttnType = options.FlashAttention switch { true => 1, false => 0, null => -1 };
        p.NoPerf = 1;

        NativeLog.ClearRecentErrors();
        handle = LlamaNative.llama_init_from_model(model.Handle, p);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new LlamaDecodeException(
                string.Create(CultureInfo.InvariantCulture, $"llama.cpp could not create a context of {options.ContextSize} positions and {options.MaxSequenceCount} sequences on '{model.Path}': {NativeLog.RecentErrors()}"));
        }

        handle.AttachModel(model.Handle);
        ContextSize = (int)LlamaNative.llama_n_ctx(handle);
        SequenceContextSize = (int)LlamaNative.llama_n_ctx_seq(handle);
        BatchSize = (int)LlamaNative.llama_n_batch(handle);
        MaxSequenceCount = (int)LlamaNative.llama_n_seq_max(handle);
        VocabularySize = model.Vocab.Count;
        EmbeddingsEnabled = options.Embeddings;
    }

    /// <summary>Gets the model.</summary>
    public LlamaModel Model { get; }

    /// <summary>Gets the number of KV-cache positions in total.</summary>
    public int ContextSize { get; }

    /// <summary>Gets the number of positions one sequence may use (<see cref="ContextSize"/> / <see cref="MaxSequenceCount"/> unless the KV cache is unified).</summary>
    public int SequenceContextSize { get; }

    /// <summary>Gets the most tokens one <see cref="Decode"/> accepts.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the number of sequences (ids 0 … n-1).</summary>
    public int MaxSequenceCount { get; }

    /// <summary>Gets the number of logits per output position (the vocabulary size).</summary>
    public int VocabularySize { get; }

    /// <summary>Gets a value indicating whether the context computes pooled embeddings.</summary>
    public bool EmbeddingsEnabled { get; }

    /// <summary>Gets or sets the threads used for single-token decoding.</summary>
    public int ThreadCount
    {
        get => LlamaNative.llama_n_threads(handle);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            LlamaNative.llama_set_n_threads(handle, value, value);
        }
    }

    internal SafeLlamaContextHandle Handle => handle;

    /// <summary>Runs the model over a batch: appends its tokens to their sequences' KV cache and computes the requested logits.</summary>
    /// <param name="batch">The tokens.</param>
    /// <exception cref="ArgumentException">The batch is empty, larger than <see cref="BatchSize"/>, or names a sequence id out of range.</exception>
    /// <exception cref="LlamaContextOverflowException">A position does not fit in its sequence's share of the context, or no KV slot is free.</exception>
    /// <exception cref="LlamaDecodeException">llama.cpp failed.</exception>
    /// <exception cref="ObjectDisposedException">The context is disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is using the context.</exception>
    public void Decode(LlamaBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Enter();
        try
        {
            DecodeCore(batch);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Gets the logits of the token at <paramref name="batchIndex"/> of the last decoded batch.</summary>
    /// <param name="batchIndex">The token's index in the batch (its logits must have been requested); -1 for the last output.</param>
    /// <returns><see cref="VocabularySize"/> logits, valid until the next decode or disposal.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No logits were computed for that index.</exception>
    public unsafe ReadOnlySpan<float> GetLogits(int batchIndex)
    {
        var p = LlamaNative.llama_get_logits_ith(handle, batchIndex);
        if (p is null)
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), batchIndex, "No logits were computed for this batch index in the last decode (request them with logits: true).");
        }

        return new ReadOnlySpan<float>(p, VocabularySize);
    }

    /// <summary>Gets the pooled (mean) embedding of a sequence after a decode; needs <see cref="LlamaContextOptions.Embeddings"/>.</summary>
    /// <param name="sequenceId">The sequence id.</param>
    /// <returns><see cref="LlamaModel.EmbeddingLength"/> values, valid until the next decode or disposal.</returns>
    /// <exception cref="InvalidOperationException">The context was not created for embeddings, or the sequence was not decoded.</exception>
    public unsafe ReadOnlySpan<float> GetEmbeddings(int sequenceId)
    {
        if (!EmbeddingsEnabled)
        {
            throw new InvalidOperationException("This context was created without LlamaContextOptions.Embeddings.");
        }

        var p = LlamaNative.llama_get_embeddings_seq(handle, sequenceId);
        if (p is null)
        {
            throw new InvalidOperationException($"No embedding for sequence {sequenceId}: it was not part of the last decode.");
        }

        return new ReadOnlySpan<float>(p, Model.EmbeddingLength);
    }

    /// <summary>Removes a sequence's tokens at positions [<paramref name="fromPosition"/>, <paramref name="toPosition"/>) from the KV cache (<c>llama_memory_seq_rm</c>).</summary>
    /// <param name="sequenceId">The sequence id; -1 for all sequences.</param>
    /// <param name="fromPosition">The first position removed; negative for 0.</param>
    /// <param name="toPosition">The position after the last removed; negative for the end.</param>
    /// <returns><see langword="false"/> when a partial range cannot be removed (recurrent models); removing a whole sequence always succeeds.</returns>
    public bool RemoveTokens(int sequenceId, int fromPosition = 0, int toPosition = -1)
        => WithMemory(m => LlamaNative.llama_memory_seq_rm(m, sequenceId, fromPosition, toPosition));

    /// <summary>Makes sequence <paramref name="destinationSequenceId"/> share the cached tokens of <paramref name="sourceSequenceId"/> in [<paramref name="fromPosition"/>, <paramref name="toPosition"/>) (<c>llama_memory_seq_cp</c>).</summary>
    /// <param name="sourceSequenceId">The source sequence.</param>
    /// <param name="destinationSequenceId">The destination sequence.</param>
    /// <param name="fromPosition">The first position; negative for 0.</param>
    /// <param name="toPosition">The position after the last; negative for the end.</param>
    public void CopySequence(int sourceSequenceId, int destinationSequenceId, int fromPosition = 0, int toPosition = -1)
        => WithMemory(m =>
        {
            LlamaNative.llama_memory_seq_cp(m, sourceSequenceId, destinationSequenceId, fromPosition, toPosition);
            return true;
        });

    /// <summary>Removes every cached token that does not belong to <paramref name="sequenceId"/>.</summary>
    /// <param name="sequenceId">The sequence to keep.</param>
    public void KeepSequence(int sequenceId)
        => WithMemory(m =>
        {
            LlamaNative.llama_memory_seq_keep(m, sequenceId);
            return true;
        });

    /// <summary>Gets the largest cached position of a sequence, or -1 when it is empty.</summary>
    /// <param name="sequenceId">The sequence id.</param>
    /// <returns>The largest position.</returns>
    public int GetMaxPosition(int sequenceId) => WithMemory(m => LlamaNative.llama_memory_seq_pos_max(m, sequenceId));

    /// <summary>Gets the smallest cached position of a sequence, or -1 when it is empty.</summary>
    /// <param name="sequenceId">The sequence id.</param>
    /// <returns>The smallest position.</returns>
    public int GetMinPosition(int sequenceId) => WithMemory(m => LlamaNative.llama_memory_seq_pos_min(m, sequenceId));

    /// <summary>Empties the KV cache of every sequence.</summary>
    public void ClearMemory()
        => WithMemory(m =>
        {
            LlamaNative.llama_memory_clear(m, true);
            return true;
        });

    /// <summary>Generates from a prompt on sequence 0 (which is cleared first), streaming tokens as they are sampled.</summary>
    /// <param name="prompt">The prompt text (BOS is added as the model asks).</param>
    /// <param name="options">Limits and sampling; <see langword="null"/> for greedy, 256 tokens.</param>
    /// <param name="cancellationToken">Stops the generation between tokens.</param>
    /// <returns>The generated tokens.</returns>
    /// <remarks>Each token is decoded on the enumerating thread. Use <see cref="LlamaBatchedDecoder"/> to serve several generations at once.</remarks>
    /// <exception cref="LlamaContextOverflowException">The prompt plus the generated tokens do not fit in <see cref="SequenceContextSize"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public IAsyncEnumerable<LlamaGeneratedToken> GenerateAsync(string prompt, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return GenerateFromTokensAsync(Model.Vocab.Tokenize(prompt), options, cancellationToken);
    }

    /// <summary>Generates from prompt tokens on sequence 0 (which is cleared first), streaming tokens as they are sampled.</summary>
    /// <param name="promptTokens">The prompt tokens (at least one).</param>
    /// <param name="options">Limits and sampling; <see langword="null"/> for greedy, 256 tokens.</param>
    /// <param name="cancellationToken">Stops the generation between tokens.</param>
    /// <returns>The generated tokens.</returns>
    /// <exception cref="LlamaContextOverflowException">The prompt plus the generated tokens do not fit in <see cref="SequenceContextSize"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public IAsyncEnumerable<LlamaGeneratedToken> GenerateFromTokensAsync(IReadOnlyList<int> promptTokens, LlamaGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentOutOfRangeException.ThrowIfZero(promptTokens.Count);
        options ??= new LlamaGenerationOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTokens);
        if (promptTokens.Count > SequenceContextSize)
        {
            throw Overflow(0, promptTokens.Count);
        }

        return GenerateCoreAsync(promptTokens.ToArray(), options, cancellationToken);
    }

    /// <summary>Frees the native context (deferred until a decode in progress returns).</summary>
    public void Dispose() => handle.Dispose();

    internal void DecodeCore(LlamaBatch batch)
    {
        var count = batch.Count;
        if (count == 0)
        {
            throw new ArgumentException("The batch is empty.", nameof(batch));
        }

        if (count > BatchSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The batch holds {count} tokens but the context accepts at most {BatchSize} per decode (LlamaContextOptions.BatchSize)."), nameof(batch));
        }

        var native = batch.Native;
        unsafe
        {
            for (var i = 0; i < count; i++)
            {
                var pos = native.Pos[i];
                var seqs = native.SeqId[i];
                for (var s = 0; s < native.NSeqId[i]; s++)
                {
                    if ((uint)seqs[s] >= (uint)MaxSequenceCount)
                    {
                        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Token {i} of the batch names sequence {seqs[s]}, but the context has sequences 0 to {MaxSequenceCount - 1}."), nameof(batch));
                    }
                }

                if ((uint)pos >= (uint)SequenceContextSize)
                {
                    throw Overflow(seqs[0], pos + 1);
                }
            }
        }

        var rc = LlamaNative.llama_decode(handle, native);
        switch (rc)
        {
            case 0:
                return;
            case 1:
                throw new LlamaContextOverflowException(
                    string.Create(CultureInfo.InvariantCulture, $"No KV-cache slot for a batch of {count} tokens: the context of {ContextSize} positions is full. Remove finished sequences (RemoveTokens) or create the context with a larger LlamaContextOptions.ContextSize."));
            case 2:
                throw new OperationCanceledException("llama_decode was aborted.");
            default:
                throw new LlamaDecodeException(string.Create(CultureInfo.InvariantCulture, $"llama_decode failed with code {rc}: {NativeLog.RecentErrors()}"));
        }
    }

    internal LlamaContextOverflowException Overflow(int sequenceId, int needed)
        => new(string.Create(CultureInfo.InvariantCulture, $"Sequence {sequenceId} needs {needed} positions but holds at most {SequenceContextSize} (context {ContextSize} positions / {MaxSequenceCount} sequences). Use a shorter prompt, fewer tokens, or a larger LlamaContextOptions.ContextSize."));

    internal void Enter()
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        if (Interlocked.Exchange(ref busy, 1) != 0)
        {
            throw new InvalidOperationException("The LlamaContext is being used by another caller; a context serves one caller at a time (use LlamaBatchedDecoder for concurrent generations).");
        }
    }

    internal void Exit() => Volatile.Write(ref busy, 0);

    private T WithMemory<T>(Func<nint, T> action)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return action(LlamaNative.llama_get_memory(handle));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private async IAsyncEnumerable<LlamaGeneratedToken> GenerateCoreAsync(int[] prompt, LlamaGenerationOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var sampler = new LlamaSampler(options.Sampling);
        using var batch = new LlamaBatch(Math.Max(1, Math.Min(BatchSize, prompt.Length)));
        var decoder = new TokenTextDecoder(Model.Vocab);
        var vocab = Model.Vocab;

        // Prompt processing can take a while: run it off the caller's thread.
        await Task.Run(
            () =>
            {
                Enter();
                try
                {
                    RemoveTokens(0);
                    for (var start = 0; start < prompt.Length; start += batch.Capacity)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var n = Math.Min(batch.Capacity, prompt.Length - start);
                        batch.Clear();
                        batch.AddRange(prompt.AsSpan(start, n), start, 0, start + n == prompt.Length ? LlamaBatchLogits.Last : LlamaBatchLogits.None);
                        DecodeCore(batch);
                    }
                }
                finally
                {
                    Exit();
                }
            },
            cancellationToken).ConfigureAwait(false);

        var position = prompt.Length;
        var outputIndex = batch.Count - 1;
        for (var generated = 0; generated < options.MaxTokens; generated++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int token;
            Enter();
            try
            {
                token = LlamaNative.llama_sampler_sample(sampler.HandleForContext, handle, outputIndex);
            }
            finally
            {
                Exit();
            }

            if (options.StopAtEndOfGeneration && vocab.IsEndOfGeneration(token))
            {
                yield break;
            }

            yield return new LlamaGeneratedToken(token, decoder.Append(token), position);

            if (generated + 1 == options.MaxTokens)
            {
                yield break;
            }

            if (position >= SequenceContextSize)
            {
                throw Overflow(0, position + 1);
            }

            Enter();
            try
            {
                batch.Clear();
                outputIndex = batch.Add(token, position, 0, logits: true);
                DecodeCore(batch);
            }
            finally
            {
                Exit();
            }

            position++;
        }
    }
}
