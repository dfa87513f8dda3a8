namespace Swarm.Inference;

/// <summary>How a <see cref="LlamaModel"/> is loaded.</summary>
/// <remarks>Not thread-safe; read once by <see cref="LlamaModel.Load"/>.</remarks>
public sealed class LlamaModelOptions
{
    /// <summary>Gets or sets how many layers are offloaded to a GPU.</summary>
    /// <value>The default value is 0 (CPU only; the bundled libraries have no GPU backend).</value>
    public int GpuLayerCount { get; set; }

    /// <summary>Gets or sets a value indicating whether the weights are memory-mapped instead of read into memory.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseMemoryMap { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether only the vocabulary is loaded (no weights; tokenizer use only).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool VocabularyOnly { get; set; }

    /// <summary>Gets or sets a value indicating whether llama.cpp validates tensor data (NaN/Inf) while loading.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CheckTensors { get; set; }

    /// <summary>Gets the metadata overrides applied while loading (for example <c>llama.expert_used_count</c>).</summary>
    public IList<LlamaKvOverride> MetadataOverrides { get; } = [];

    /// <summary>Gets or sets the native library folder and logger used if the backend is not initialized yet.</summary>
    /// <value>The default value is <see langword="null"/> (the default search).</value>
    public LlamaBackendOptions? Backend { get; set; }
}
