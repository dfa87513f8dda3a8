namespace Swarm;

/// <summary>Thrown when task-graph JSON cannot be read; says where the input is malformed.</summary>
public sealed class TaskGraphFormatException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskGraphFormatException"/> class.</summary>
    public TaskGraphFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaskGraphFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskGraphFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="lineNumber">The 1-based line of the problem, if known.</param>
    /// <param name="bytePositionInLine">The 1-based position in that line, if known.</param>
    /// <param name="path">The JSON path of the problem, if known.</param>
    /// <param name="innerException">The cause.</param>
    public TaskGraphFormatException(string message, long? lineNumber, long? bytePositionInLine, string? path, Exception? innerException)
        : base(message, innerException)
    {
        LineNumber = lineNumber;
        BytePositionInLine = bytePositionInLine;
        Path = path;
    }

    /// <summary>Gets the 1-based line of the problem, if known.</summary>
    public long? LineNumber { get; }

    /// <summary>Gets the 1-based byte position in the line, if known.</summary>
    public long? BytePositionInLine { get; }

    /// <summary>Gets the JSON path of the problem, if known.</summary>
    public string? Path { get; }
}
