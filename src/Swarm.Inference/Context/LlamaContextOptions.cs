namespace Swarm.Inference;

/// <summary>How a <see cref="LlamaContext"/> is created.</summary>
/// <remarks>Not thread-safe; read once by <see cref="LlamaModel.CreateContext"/>.</remarks>
public sealed class LlamaContextOptions
{
    /// <summary>Gets or sets the number of KV-cache positions (shared by all sequences, see <see cref="UnifiedKvCache"/>); 0 takes the model's training context.</summary>
    /// <value>The default value is 2048.</value>
    public int ContextSize { get; set; } = 2048;

    /// <summary>Gets or sets the most tokens one <see cref="LlamaContext.Decode"/> call accepts.</summary>
    /// <value>The default value is 512.</value>
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the physical micro-batch size; 0 uses <see cref="BatchSize"/>.</summary>
    /// <value>The default value is 0.</value>
    public int MicroBatchSize { get; set; }

    /// <summary>Gets or sets the number of distinct sequences (sequence ids 0 … n-1) the context serves.</summary>
    /// <value>The default value is 1.</value>
    public int MaxSequenceCount { get; set; } = 1;

    /// <summary>Gets or sets the threads used for single-token decoding.</summary>
    /// <value>The default value is 1 (two threads are unstable on small shared machines; raise it on dedicated hardware).</value>
    public int ThreadCount { get; set; } = 1;

    /// <summary>Gets or sets the threads used for prompt (multi-token) decoding; 0 uses <see cref="ThreadCount"/>.</summary>
    /// <value>The default value is 0.</value>
    public int BatchThreadCount { get; set; }

    /// <summary>Gets or sets a value indicating whether all sequences share one KV-cache pool; otherwise each gets <see cref="ContextSize"/> / <see cref="MaxSequenceCount"/> positions.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UnifiedKvCache { get; set; }

    /// <summary>Gets or sets a value indicating whether the context produces pooled embeddings (mean over each sequence) instead of only logits.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Embeddings { get; set; }

    /// <summary>Gets or sets a value indicating whether flash attention is used; <see langword="null"/> lets llama.cpp decide.</summary>
    /// <value>The default value is <see langword="false"/> (results identical between batched and single-sequence decoding).</value>
    public bool? FlashAttention { get; set; } = false;
}
