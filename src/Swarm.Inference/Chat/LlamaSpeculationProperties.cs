namespace Swarm.Inference;

/// <summary>Keys of the speculation figures a <see cref="LlamaChatClient"/> over a <see cref="SpeculativeDecoder"/> reports
/// in <c>ChatResponse.AdditionalProperties</c> (and on the last streaming update), and, for the counts, in
/// <c>UsageDetails.AdditionalCounts</c>.</summary>
public static class LlamaSpeculationProperties
{
    /// <summary>The draft source: <c>prompt-lookup</c> or <c>draft-model</c> (string).</summary>
    public const string Mode = "swarm.speculation.mode";

    /// <summary>Tokens proposed by the draft source (count).</summary>
    public const string DraftedTokens = "swarm.speculation.drafted_tokens";

    /// <summary>Drafted tokens the target accepted (count).</summary>
    public const string AcceptedTokens = "swarm.speculation.accepted_tokens";

    /// <summary>Target decodes that verified drafts; each also yields one token of the target's own (count).</summary>
    public const string VerifySteps = "swarm.speculation.verify_steps";

    /// <summary>Accepted share of drafted tokens, 0 when nothing was drafted (double).</summary>
    public const string AcceptanceRate = "swarm.speculation.acceptance_rate";

    /// <summary>Mean drafted tokens accepted per verify step (double).</summary>
    public const string MeanAcceptedPerVerify = "swarm.speculation.mean_accepted_per_verify";

    /// <summary>Generated tokens per second of generation time, prompt excluded (double).</summary>
    public const string TokensPerSecond = "swarm.speculation.tokens_per_second";
}
