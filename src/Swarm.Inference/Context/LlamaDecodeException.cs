namespace Swarm.Inference;

/// <summary><c>llama_decode</c> (or context creation) failed with a native error code.</summary>
public sealed class LlamaDecodeException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlamaDecodeException"/> class.</summary>
    public LlamaDecodeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaDecodeException"/> class with a message.</summary>
    /// <param name="message">The failed operation and its native error code.</param>
    public LlamaDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaDecodeException"/> class with a message and a cause.</summary>
    /// <param name="message">The failed operation and its native error code.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LlamaDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
