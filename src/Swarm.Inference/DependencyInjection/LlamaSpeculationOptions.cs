using System.ComponentModel.DataAnnotations;

namespace Swarm.Inference;

/// <summary>Speculative or prompt-lookup decoding for the chat client registered by <c>AddLlamaCpp</c>
/// (<see cref="LlamaCppOptions.Speculation"/>).</summary>
/// <remarks>Not thread-safe; read when the host starts. Greedy answers are token for token those of plain decoding;
/// sampled answers follow the target's distribution (rejection sampling).</remarks>
public sealed class LlamaSpeculationOptions
{
    /// <summary>Gets or sets the draft source.</summary>
    /// <value>The default value is <see cref="LlamaSpeculationMode.None"/>.</value>
    public LlamaSpeculationMode Mode { get; set; }

    /// <summary>Gets or sets the draft model's GGUF file (required for <see cref="LlamaSpeculationMode.DraftModel"/>); its
    /// vocabulary must equal the target's.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DraftModelPath { get; set; }

    /// <summary>Gets or sets the most tokens drafted per verify step (K).</summary>
    /// <value>The default value is 8; at most 24.</value>
    [Range(1, SpeculativeDecodingOptions.MaxSupportedDraftLength)]
    public int MaxDraftLength { get; set; } = 8;

    /// <summary>Gets or sets the fewest tokens drafted per verify step when the draft length adapts.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, SpeculativeDecodingOptions.MaxSupportedDraftLength)]
    public int MinDraftLength { get; set; } = 1;

    /// <summary>Gets or sets the draft length of a request's first verify step.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, SpeculativeDecodingOptions.MaxSupportedDraftLength)]
    public int InitialDraftLength { get; set; } = 4;

    /// <summary>Gets or sets a value indicating whether the draft length adapts to the acceptance rate
    /// (see <see cref="SpeculativeDecodingOptions.Adaptive"/>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Adaptive { get; set; } = true;

    /// <summary>Gets or sets the draft model's confidence cut-off (see <see cref="SpeculativeDecodingOptions.DraftConfidenceThreshold"/>).</summary>
    /// <value>The default value is 0 (no cut-off).</value>
    [Range(0.0, 1.0)]
    public float DraftConfidenceThreshold { get; set; }

    /// <summary>Gets or sets a value indicating whether the target's verify-cost curve is measured when the decoder is
    /// created (a few decodes of 1 … K + 1 tokens), so the adaptive draft length drafts only where it pays.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool MeasureVerifyCost { get; set; }

    /// <summary>Gets or sets the shortest n-gram prompt lookup may match.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 64)]
    public int MinNgramSize { get; set; } = 2;

    /// <summary>Gets or sets the longest n-gram prompt lookup tries first.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 64)]
    public int MaxNgramSize { get; set; } = 4;

    internal SpeculativeDecodingOptions ToDecodingOptions(LlamaCppOptions host, VerifyCostCurve? curve) => new()
    {
        MaxDraftLength = MaxDraftLength,
        MinDraftLength = MinDraftLength,
        InitialDraftLength = InitialDraftLength,
        Adaptive = Adaptive,
        DraftConfidenceThreshold = DraftConfidenceThreshold,
        VerifyCostCurve = curve,
        MaxSequenceCount = host.MaxConcurrentSequences,
        SequenceContextSize = host.SequenceContextSize,
        ThreadCount = host.ThreadCount,
    };

    internal PromptLookupOptions ToLookupOptions() => new()
    {
        MinNgramSize = MinNgramSize,
        MaxNgramSize = MaxNgramSize,
        MaxDraftLength = MaxDraftLength,
    };
}
