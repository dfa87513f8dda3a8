namespace Swarm.Inference.Gguf;

/// <summary>A GGUF file is malformed: truncated, corrupt, or outside the supported format.</summary>
/// <remarks>The message names the problem and, where known, the byte <see cref="Offset"/> at which it was found.</remarks>
public sealed class GgufFormatException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public GgufFormatException()
        : base("The GGUF file is malformed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public GgufFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GgufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance naming the problem and the byte offset where it was found.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="offset">Byte offset in the file.</param>
    public GgufFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
    }

    /// <summary>Gets the byte offset in the file where the problem was found, or <see langword="null"/> if unknown.</summary>
    public long? Offset { get; }
}
