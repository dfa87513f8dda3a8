namespace Swarm.Inference;

/// <summary>A model file could not be loaded by llama.cpp: it is missing, truncated, not GGUF, or its metadata or tensors are not what the architecture needs.</summary>
public sealed class LlamaModelLoadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlamaModelLoadException"/> class.</summary>
    public LlamaModelLoadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaModelLoadException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the model file.</param>
    public LlamaModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaModelLoadException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the model file.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LlamaModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
