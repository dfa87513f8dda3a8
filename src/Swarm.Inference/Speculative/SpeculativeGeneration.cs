namespace Swarm.Inference;

/// <summary>The result of one speculative generation.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SpeculativeGeneration
{
    internal SpeculativeGeneration(int[] tokens, string text, LlamaFinishReason finishReason, SpeculativeGenerationReport report)
    {
        Tokens = tokens;
        Text = text;
        FinishReason = finishReason;
        Report = report;
    }

    /// <summary>Gets the generated tokens (the prompt excluded; an end-of-generation token that stopped it excluded).</summary>
    public IReadOnlyList<int> Tokens { get; }

    /// <summary>Gets the generated text.</summary>
    public string Text { get; }

    /// <summary>Gets why the generation ended.</summary>
    public LlamaFinishReason FinishReason { get; }

    /// <summary>Gets the drafting and acceptance figures.</summary>
    public SpeculativeGenerationReport Report { get; }
}
