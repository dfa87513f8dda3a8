namespace Swarm.Inference;

/// <summary>Defaults of a <see cref="LlamaChatClient"/>.</summary>
/// <remarks>Not thread-safe; read when the client is created.</remarks>
public sealed class LlamaChatClientOptions
{
    /// <summary>Gets or sets the model id reported in responses and telemetry; <see langword="null"/> uses the file name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the most tokens generated when <c>ChatOptions.MaxOutputTokens</c> is not set.</summary>
    /// <value>The default value is 512.</value>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets the chat template (Jinja text or a llama.cpp built-in name); <see langword="null"/> uses the model's, or <c>chatml</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ChatTemplate { get; set; }

    /// <summary>Gets or sets the sampling used when the request sets no temperature; <see langword="null"/> is greedy.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public LlamaSamplerOptions? DefaultSampling { get; set; }

    /// <summary>Gets or sets the time source for response timestamps and durations.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
