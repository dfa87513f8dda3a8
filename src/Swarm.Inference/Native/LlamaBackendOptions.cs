using Microsoft.Extensions.Logging;

namespace Swarm.Inference;

/// <summary>Where the llama.cpp native libraries are and where their log lines go.</summary>
/// <remarks>Read once, by the first <see cref="LlamaBackend.Initialize(LlamaBackendOptions?)"/> that loads the libraries.</remarks>
public sealed class LlamaBackendOptions
{
    /// <summary>Gets or sets the folder that holds <c>libllama.v0.5.0.so</c>, <c>libggml.v0.5.0.so</c>, <c>libggml-base.so</c> and the <c>libggml-cpu-*.so</c> variants.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: the environment variable <c>SWARM_LLAMA_NATIVE_DIR</c>, then
    /// <c>&lt;AppContext.BaseDirectory&gt;/runtimes/linux-x64/native</c>, then the repository's <c>.native/llama</c>
    /// (found by walking up from the base directory) are searched in that order.
    /// </value>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>Gets or sets the logger factory that receives llama.cpp and ggml log lines (category <c>Swarm.Inference.LlamaCpp</c>).</summary>
    /// <value>The default value is <see langword="null"/>: native log lines are dropped.</value>
    public ILoggerFactory? LoggerFactory { get; set; }
}
