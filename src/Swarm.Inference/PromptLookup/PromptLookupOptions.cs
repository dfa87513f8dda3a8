namespace Swarm.Inference;

/// <summary>How prompt-lookup decoding finds drafts: the last <c>n</c> tokens (from <see cref="MaxNgramSize"/> down to
/// <see cref="MinNgramSize"/>) are looked up in the prompt and the text generated so far, and the tokens that followed
/// their most recent earlier occurrence are proposed.</summary>
/// <remarks>Not thread-safe; read when the decoder is created.</remarks>
public sealed class PromptLookupOptions
{
    /// <summary>Gets or sets the shortest n-gram that may produce a draft.</summary>
    /// <value>The default value is 2.</value>
    public int MinNgramSize { get; set; } = 2;

    /// <summary>Gets or sets the longest n-gram tried first.</summary>
    /// <value>The default value is 4.</value>
    public int MaxNgramSize { get; set; } = 4;

    /// <summary>Gets or sets the most tokens proposed per verify step (also capped by <see cref="SpeculativeDecodingOptions.MaxDraftLength"/>).</summary>
    /// <value>The default value is 16.</value>
    public int MaxDraftLength { get; set; } = 16;

    /// <summary>Gets or sets how many verify steps in a row may reject their first drafted token before the sequence stops
    /// drafting for <see cref="BackoffSteps"/> steps (text without repeats: short n-grams recur with other continuations,
    /// and each rejected draft costs a verify batch larger than one token); 0 never backs off.</summary>
    /// <value>The default value is 2.</value>
    public int MaxConsecutiveRejections { get; set; } = 2;

    /// <summary>Gets or sets how many steps decode plainly (no lookup, no draft) after the rejections; one probe then
    /// drafts again, and each probe that is rejected doubles the pause, up to <see cref="MaxBackoffSteps"/>. An accepted
    /// draft resets it.</summary>
    /// <value>The default value is 8.</value>
    public int BackoffSteps { get; set; } = 8;

    /// <summary>Gets or sets the longest pause between probes.</summary>
    /// <value>The default value is 128.</value>
    public int MaxBackoffSteps { get; set; } = 128;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxConsecutiveRejections, nameof(MaxConsecutiveRejections));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BackoffSteps, nameof(BackoffSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoffSteps, BackoffSteps, nameof(MaxBackoffSteps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MinNgramSize, nameof(MinNgramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNgramSize, MinNgramSize, nameof(MaxNgramSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDraftLength, nameof(MaxDraftLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDraftLength, SpeculativeDecodingOptions.MaxSupportedDraftLength, nameof(MaxDraftLength));
    }
}
