namespace Swarm;

/// <summary>A checkpoint file has a schema this version of Swarm cannot read (written by a newer version, or not a Swarm checkpoint file).</summary>
public sealed class CheckpointSchemaException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CheckpointSchemaException"/> class.</summary>
    public CheckpointSchemaException()
        : this("The checkpoint file's schema is not supported.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckpointSchemaException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public CheckpointSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckpointSchemaException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying fault.</param>
    public CheckpointSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the schema version found in the file, when one was found.</summary>
    public int? FoundVersion { get; init; }

    /// <summary>Gets the newest schema version this version of Swarm reads.</summary>
    public int SupportedVersion { get; init; }
}
