namespace Swarm.Inference;

/// <summary>Limits and sampling of one generation.</summary>
/// <remarks>Not thread-safe; read when a generation starts.</remarks>
public sealed class LlamaGenerationOptions
{
    /// <summary>Gets or sets the most tokens generated.</summary>
    /// <value>The default value is 256.</value>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Gets or sets the sampler chain; <see langword="null"/> is greedy.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public LlamaSamplerOptions? Sampling { get; set; }

    /// <summary>Gets or sets a value indicating whether an end-of-generation token (EOS, EOT) ends the generation (it is not yielded).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StopAtEndOfGeneration { get; set; } = true;
}
