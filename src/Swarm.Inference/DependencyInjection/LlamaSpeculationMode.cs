namespace Swarm.Inference;

/// <summary>How the chat client registered by <c>AddLlamaCpp</c> speeds up generation.</summary>
public enum LlamaSpeculationMode
{
    /// <summary>Plain decoding through the batched decoder.</summary>
    None = 0,

    /// <summary>Prompt-lookup decoding: drafts are n-gram continuations found in the prompt and the answer so far.</summary>
    PromptLookup = 1,

    /// <summary>Speculative decoding with a small draft model that shares the target's vocabulary.</summary>
    DraftModel = 2,
}
