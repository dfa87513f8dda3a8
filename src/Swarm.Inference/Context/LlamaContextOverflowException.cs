namespace Swarm.Inference;

/// <summary>A sequence needs more positions than the context (or its per-sequence share of it) holds.</summary>
public sealed class LlamaContextOverflowException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlamaContextOverflowException"/> class.</summary>
    public LlamaContextOverflowException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaContextOverflowException"/> class with a message.</summary>
    /// <param name="message">Which sequence overflowed and the context size.</param>
    public LlamaContextOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaContextOverflowException"/> class with a message and a cause.</summary>
    /// <param name="message">Which sequence overflowed and the context size.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LlamaContextOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
