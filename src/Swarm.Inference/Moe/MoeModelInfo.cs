namespace Swarm.Inference;

/// <summary>The mixture-of-experts hyper-parameters of a GGUF model, read from its metadata.</summary>
/// <param name="Architecture">The <c>general.architecture</c> value, for example <c>llama</c>.</param>
/// <param name="ExpertCount">Experts per MoE layer (<c>&lt;arch&gt;.expert_count</c>).</param>
/// <param name="ExpertUsedCount">Experts routed per token (<c>&lt;arch&gt;.expert_used_count</c>).</param>
public sealed record MoeModelInfo(string Architecture, int ExpertCount, int ExpertUsedCount)
{
    /// <summary>Gets the metadata key that sets the experts used per token.</summary>
    public string ExpertUsedCountKey => Architecture + ".expert_used_count";
}
