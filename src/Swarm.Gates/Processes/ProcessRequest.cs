namespace Swarm.Gates;

/// <summary>One process to run: an executable and an argument vector, never a shell command line.</summary>
/// <remarks>Arguments reach the process verbatim: no shell parses them, so file names and model output cannot inject commands.</remarks>
public sealed class ProcessRequest
{
    /// <summary>Initializes a new instance of the <see cref="ProcessRequest"/> class.</summary>
    /// <param name="fileName">The executable: a path, or a name looked up on the child's <c>PATH</c>.</param>
    /// <param name="workspaceDirectory">The run's workspace; the process runs inside it.</param>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> or <paramref name="workspaceDirectory"/> is empty.</exception>
    public ProcessRequest(string fileName, string workspaceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceDirectory);
        FileName = fileName;
        WorkspaceDirectory = workspaceDirectory;
    }

    /// <summary>Gets the executable to run.</summary>
    public string FileName { get; }

    /// <summary>Gets the workspace the process is confined to.</summary>
    public string WorkspaceDirectory { get; }

    /// <summary>Gets the arguments, passed to the process one by one, unparsed.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Gets the working directory, relative to <see cref="WorkspaceDirectory"/> (or absolute inside it); <see langword="null"/> means the workspace itself.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Gets extra environment variables set for this process, on top of the allowlisted ones.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets text written to the process's standard input, which is then closed; <see langword="null"/> closes it at once.</summary>
    public string? StandardInput { get; init; }

    /// <summary>Gets the time limit; <see langword="null"/> uses <see cref="ProcessRunnerOptions.DefaultTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}
