namespace Swarm;

/// <summary>One call of an <see cref="ITool"/>.</summary>
public sealed class ToolInvocation
{
    private static readonly Dictionary<string, string> NoArguments = [];
    private static readonly Dictionary<string, string?> NoInputs = [];

    /// <summary>Initializes a new instance of the <see cref="ToolInvocation"/> class.</summary>
    /// <param name="stepId">The id of the calling step.</param>
    /// <param name="toolName">The tool's name.</param>
    /// <exception cref="ArgumentException"><paramref name="stepId"/> or <paramref name="toolName"/> is empty.</exception>
    public ToolInvocation(string stepId, string toolName)
    {
        ArgumentException.ThrowIfNullOrEmpty(stepId);
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        StepId = stepId;
        ToolName = toolName;
    }

    /// <summary>Gets the id of the calling step.</summary>
    public string StepId { get; }

    /// <summary>Gets the tool's name.</summary>
    public string ToolName { get; }

    /// <summary>Gets the call's arguments.</summary>
    public IReadOnlyDictionary<string, string> Arguments { get; init; } = NoArguments;

    /// <summary>Gets the outputs of the calling step's dependencies, by step id.</summary>
    public IReadOnlyDictionary<string, string?> Inputs { get; init; } = NoInputs;

    /// <summary>Gets the run's workspace directory.</summary>
    public string? WorkspaceDirectory { get; init; }

    /// <summary>Gets the id of the calling step's top-level run (a step of a nested graph reports its outermost run, within which <see cref="StepId"/> is qualified, <c>sub/inner</c>), or <see langword="null"/> when the call is not part of a run.</summary>
    /// <remarks>Interrupts a tool raises through <see cref="ISwarmRunManager.InterruptAsync"/> under this id, and the journal of non-idempotent calls, belong to that run.</remarks>
    public string? RunId { get; init; }

    /// <summary>Gets the calling step's attempt (1-based).</summary>
    public int Attempt { get; init; } = 1;
}
