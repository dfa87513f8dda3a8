namespace Swarm.Inference;

/// <summary>The sampler chain: penalties, top-k, top-p, min-p, temperature, then a seeded draw; greedy when <see cref="Temperature"/> is 0.</summary>
/// <remarks>Not thread-safe; read when a <see cref="LlamaSampler"/> is created.</remarks>
public sealed class LlamaSamplerOptions
{
    /// <summary>Gets a greedy (argmax) configuration.</summary>
    public static LlamaSamplerOptions Greedy => new() { Temperature = 0 };

    /// <summary>Gets or sets the temperature; 0 or less selects the most likely token (greedy).</summary>
    /// <value>The default value is 0.8.</value>
    public float Temperature { get; set; } = 0.8f;

    /// <summary>Gets or sets how many most likely tokens are kept; 0 keeps all.</summary>
    /// <value>The default value is 40.</value>
    public int TopK { get; set; } = 40;

    /// <summary>Gets or sets the nucleus probability mass kept; 1 keeps all.</summary>
    /// <value>The default value is 0.95.</value>
    public float TopP { get; set; } = 0.95f;

    /// <summary>Gets or sets the minimum probability, relative to the most likely token, a token needs to be kept; 0 disables.</summary>
    /// <value>The default value is 0.05.</value>
    public float MinP { get; set; } = 0.05f;

    /// <summary>Gets or sets the repetition penalty; 1 disables.</summary>
    /// <value>The default value is 1.</value>
    public float RepeatPenalty { get; set; } = 1f;

    /// <summary>Gets or sets how many recent tokens the repetition penalty looks at.</summary>
    /// <value>The default value is 64.</value>
    public int RepeatLastCount { get; set; } = 64;

    /// <summary>Gets or sets the seed of the random draw; <see langword="null"/> draws a fresh seed.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public uint? Seed { get; set; }

    /// <summary>Gets a value indicating whether this configuration is greedy.</summary>
    public bool IsGreedy => Temperature <= 0;
}
