namespace Swarm.Inference;

/// <summary>Why a sequence stopped generating.</summary>
public enum LlamaFinishReason
{
    /// <summary>The model produced an end-of-generation token (EOS, EOT).</summary>
    EndOfGeneration = 0,

    /// <summary>The sequence produced <see cref="LlamaGenerationOptions.MaxTokens"/> tokens.</summary>
    MaxTokens = 1,

    /// <summary>The sequence filled its share of the context.</summary>
    ContextFull = 2,

    /// <summary>The caller stopped it with <see cref="LlamaSequence.Stop"/> (for example a stop sequence matched).</summary>
    Stopped = 3,
}
