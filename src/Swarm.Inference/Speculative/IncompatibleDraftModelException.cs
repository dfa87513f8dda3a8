namespace Swarm.Inference;

/// <summary>The draft model cannot propose tokens for the target: their vocabularies differ (type, size, special
/// tokens or token texts), so a drafted token id would mean something else to the target.</summary>
public sealed class IncompatibleDraftModelException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IncompatibleDraftModelException"/> class.</summary>
    public IncompatibleDraftModelException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IncompatibleDraftModelException"/> class.</summary>
    /// <param name="message">What differs.</param>
    public IncompatibleDraftModelException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="IncompatibleDraftModelException"/> class.</summary>
    /// <param name="message">What differs.</param>
    /// <param name="innerException">The cause.</param>
    public IncompatibleDraftModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
