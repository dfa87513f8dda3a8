namespace Swarm.Inference;

/// <summary>Which tokens of a range added with <see cref="LlamaBatch.AddRange"/> get logits.</summary>
public enum LlamaBatchLogits
{
    /// <summary>None (prompt prefill that is continued later).</summary>
    None = 0,

    /// <summary>Only the last token (ordinary prompt processing).</summary>
    Last = 1,

    /// <summary>Every token (verifying drafted tokens in speculative decoding).</summary>
    All = 2,
}
