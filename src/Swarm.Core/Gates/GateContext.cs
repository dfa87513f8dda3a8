namespace Swarm;

/// <summary>What a gate evaluates: a step's output and the files it produced, inside the run's workspace.</summary>
public sealed class GateContext
{
    /// <summary>Initializes a new instance of the <see cref="GateContext"/> class.</summary>
    /// <param name="stepId">The id of the step whose artifact is evaluated.</param>
    /// <param name="workspaceDirectory">The run's workspace; tools run confined to it.</param>
    /// <exception cref="ArgumentException"><paramref name="stepId"/> or <paramref name="workspaceDirectory"/> is empty.</exception>
    public GateContext(string stepId, string workspaceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stepId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceDirectory);
        StepId = stepId;
        WorkspaceDirectory = workspaceDirectory;
    }

    /// <summary>Gets the id of the step whose artifact is evaluated.</summary>
    public string StepId { get; }

    /// <summary>Gets the run's workspace directory.</summary>
    public string WorkspaceDirectory { get; }

    /// <summary>Gets the step's textual output, if the artifact is text (for example JSON to check against a schema).</summary>
    public string? Output { get; init; }

    /// <summary>Gets the files of the artifact, relative to <see cref="WorkspaceDirectory"/>.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets free-form gate arguments (for example a schema path or a test command).</summary>
    public IReadOnlyDictionary<string, string> Arguments { get; init; } = new Dictionary<string, string>();
}
