namespace Swarm.Inference;

/// <summary>Draft length, adaptivity and context sizes of a <see cref="SpeculativeDecoder"/>.</summary>
/// <remarks>Not thread-safe; read once when the decoder is created.</remarks>
public sealed class SpeculativeDecodingOptions
{
    /// <summary>The largest draft length the decoder accepts.</summary>
    public const int MaxSupportedDraftLength = 24;

    /// <summary>Gets or sets the most tokens drafted per verify step (K).</summary>
    /// <value>The default value is 8; at most <see cref="MaxSupportedDraftLength"/>.</value>
    public int MaxDraftLength { get; set; } = 8;

    /// <summary>Gets or sets the fewest tokens drafted per verify step when the draft length adapts.</summary>
    /// <value>The default value is 1.</value>
    public int MinDraftLength { get; set; } = 1;

    /// <summary>Gets or sets the draft length of the first verify step of a sequence.</summary>
    /// <value>The default value is 4 (clamped to the min/max).</value>
    public int InitialDraftLength { get; set; } = 4;

    /// <summary>Gets or sets a value indicating whether the draft length adapts: it grows while whole drafts are accepted
    /// and shrinks on rejection, or, when <see cref="VerifyCostCurve"/> is set, follows the length that maximizes
    /// expected tokens per unit of cost at the measured acceptance rate.</summary>
    /// <value>The default value is <see langword="true"/>; when <see langword="false"/> every step drafts <see cref="MaxDraftLength"/>.</value>
    public bool Adaptive { get; set; } = true;

    /// <summary>Gets or sets the confidence cut-off: drafting stops when the draft model gives its chosen token a
    /// probability below this value (the token is not proposed).</summary>
    /// <value>The default value is 0 (no cut-off).</value>
    public float DraftConfidenceThreshold { get; set; }

    /// <summary>Gets or sets the target's measured verify cost per batch size; the adaptive draft length uses it.</summary>
    /// <value>The default value is <see langword="null"/> (grow/shrink heuristic).</value>
    public VerifyCostCurve? VerifyCostCurve { get; set; }

    /// <summary>Gets or sets the cost of one draft-model decode step relative to one single-token target decode.</summary>
    /// <value>The default value is <see langword="null"/>: the ratio of the two models' sizes in bytes (decoding is memory-bound).</value>
    public double? DraftStepCost { get; set; }

    /// <summary>Gets or sets the most sequences decoded at once (each agent's generation is a sequence).</summary>
    /// <value>The default value is 1.</value>
    public int MaxSequenceCount { get; set; } = 1;

    /// <summary>Gets or sets the KV-cache positions each sequence holds (prompt plus generated tokens).</summary>
    /// <value>The default value is 2048.</value>
    public int SequenceContextSize { get; set; } = 2048;

    /// <summary>Gets or sets the threads per decode (one is stable on small machines).</summary>
    /// <value>The default value is 1.</value>
    public int ThreadCount { get; set; } = 1;

    /// <summary>Gets or sets the clock used for the tokens-per-second figures.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDraftLength, 1, nameof(MaxDraftLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDraftLength, MaxSupportedDraftLength, nameof(MaxDraftLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinDraftLength, 1, nameof(MinDraftLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MinDraftLength, MaxDraftLength, nameof(MinDraftLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDraftLength, 1, nameof(InitialDraftLength));
        if (!float.IsFinite(DraftConfidenceThreshold) || DraftConfidenceThreshold < 0 || DraftConfidenceThreshold > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DraftConfidenceThreshold), DraftConfidenceThreshold, "The draft confidence threshold must be between 0 and 1.");
        }

        if (DraftStepCost is { } cost && (!double.IsFinite(cost) || cost < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(DraftStepCost), cost, "The draft step cost must be finite and not negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSequenceCount, nameof(MaxSequenceCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceContextSize, 8, nameof(SequenceContextSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ThreadCount, nameof(ThreadCount));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
