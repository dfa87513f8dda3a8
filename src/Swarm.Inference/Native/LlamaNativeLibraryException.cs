namespace Swarm.Inference;

/// <summary>The llama.cpp native libraries are missing, cannot be loaded, or are not the version this binding was built for.</summary>
/// <remarks>The message names what is wrong and how to install the libraries (<c>bash eng/setup.sh</c>).</remarks>
public sealed class LlamaNativeLibraryException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LlamaNativeLibraryException"/> class.</summary>
    public LlamaNativeLibraryException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaNativeLibraryException"/> class with a message.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public LlamaNativeLibraryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LlamaNativeLibraryException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public LlamaNativeLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
