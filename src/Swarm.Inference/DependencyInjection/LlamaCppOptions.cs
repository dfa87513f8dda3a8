using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Swarm.Inference;

/// <summary>Options of the llama.cpp services registered by <c>AddLlamaCpp</c>.</summary>
/// <remarks>Validated when the host starts.</remarks>
public sealed class LlamaCppOptions
{
    /// <summary>Gets or sets the GGUF model file.</summary>
    /// <value>The default value is an empty string (required).</value>
    [Required(AllowEmptyStrings = false)]
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the model id reported by the chat client; <see langword="null"/> uses the file name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the native library folder; <see langword="null"/> searches <c>SWARM_LLAMA_NATIVE_DIR</c>, <c>runtimes/linux-x64/native</c> and <c>.native/llama</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>Gets or sets how many layers are offloaded to a GPU.</summary>
    /// <value>The default value is 0.</value>
    [Range(0, int.MaxValue)]
    public int GpuLayerCount { get; set; }

    /// <summary>Gets or sets a value indicating whether the weights are memory-mapped.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseMemoryMap { get; set; } = true;

    /// <summary>Gets the metadata overrides, as <c>key=type:value</c> (<c>int</c>, <c>float</c>, <c>bool</c>, <c>str</c>), for example <c>llama.expert_used_count=int:1</c>.</summary>
    public IList<string> MetadataOverrides { get; } = [];

    /// <summary>Gets or sets how many requests decode together.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int MaxConcurrentSequences { get; set; } = 8;

    /// <summary>Gets or sets the positions each request may use (prompt plus answer).</summary>
    /// <value>The default value is 2048.</value>
    [Range(16, 1 << 20)]
    public int SequenceContextSize { get; set; } = 2048;

    /// <summary>Gets or sets the most tokens in one decode step.</summary>
    /// <value>The default value is 512.</value>
    [Range(1, 1 << 16)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the decode threads.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, 1024)]
    public int ThreadCount { get; set; } = 1;

    /// <summary>Gets or sets the most tokens an answer gets when the request does not say.</summary>
    /// <value>The default value is 512.</value>
    [Range(1, 1 << 20)]
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets the speculative or prompt-lookup decoding of the chat client (off by default).</summary>
    /// <remarks>When on, the chat client generates through a <see cref="SpeculativeDecoder"/> serving up to
    /// <see cref="MaxConcurrentSequences"/> requests at once (one verify decode per step for all of them).</remarks>
    [ValidateObjectMembers]
    public LlamaSpeculationOptions Speculation { get; } = new();
}
