namespace Swarm.Gates;

/// <summary>The executable a process run needs cannot be found or is not executable.</summary>
public sealed class ToolNotFoundException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ToolNotFoundException"/> class.</summary>
    public ToolNotFoundException()
        : base("A tool was not found.")
    {
        ToolName = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ToolNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ToolNotFoundException(string message)
        : base(message)
    {
        ToolName = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ToolNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ToolNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        ToolName = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ToolNotFoundException"/> class.</summary>
    /// <param name="toolName">The executable that was looked for.</param>
    /// <param name="message">The message, which says how to install the tool.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ToolNotFoundException(string toolName, string message, Exception? innerException)
        : base(message, innerException)
    {
        ToolName = toolName;
    }

    /// <summary>Gets the executable that was looked for.</summary>
    public string ToolName { get; }
}
