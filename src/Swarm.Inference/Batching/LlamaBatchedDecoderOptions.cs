namespace Swarm.Inference;

/// <summary>The shared context of a <see cref="LlamaBatchedDecoder"/>.</summary>
/// <remarks>Not thread-safe; read once when the decoder is created.</remarks>
public sealed class LlamaBatchedDecoderOptions
{
    /// <summary>Gets or sets how many sequences decode together (the context's sequence count); more wait in line.</summary>
    /// <value>The default value is 8.</value>
    public int MaxSequenceCount { get; set; } = 8;

    /// <summary>Gets or sets the positions each sequence may use (prompt plus generated tokens).</summary>
    /// <value>The default value is 2048.</value>
    public int SequenceContextSize { get; set; } = 2048;

    /// <summary>Gets or sets the most tokens in one decode step (one token per generating sequence plus prompt chunks of joining ones).</summary>
    /// <value>The default value is 512.</value>
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the decode threads.</summary>
    /// <value>The default value is 1.</value>
    public int ThreadCount { get; set; } = 1;
}
