namespace Swarm.Gates;

/// <summary>A path resolves (symbolic links included) outside the run's workspace.</summary>
public sealed class WorkspaceEscapeException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="WorkspaceEscapeException"/> class.</summary>
    public WorkspaceEscapeException()
        : base("A path escapes the workspace.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkspaceEscapeException"/> class.</summary>
    /// <param name="message">The message, naming the path and the workspace.</param>
    public WorkspaceEscapeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WorkspaceEscapeException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WorkspaceEscapeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
