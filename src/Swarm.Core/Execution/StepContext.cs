namespace Swarm;

/// <summary>What a step handler gets for one attempt: the step, its role, attempt, feedback and inputs; and what it may do: spawn children, run a nested graph, call tools.</summary>
/// <remarks>Valid only during the attempt it was made for. Thread-safe.</remarks>
public sealed class StepContext
{
    private readonly SwarmRun _run;
    private readonly StepNode _node;
    private IReadOnlyDictionary<string, string?>? _inputs;

    internal StepContext(SwarmRun run, StepNode node, string role, SwarmRole? roleDefinition, int attempt, string? feedback, StepFailure? previousFailure)
    {
        _run = run;
        _node = node;
        Role = role;
        RoleDefinition = roleDefinition;
        Attempt = attempt;
        Feedback = feedback;
        PreviousFailure = previousFailure;
    }

    /// <summary>Gets the run's id.</summary>
    public string RunId => _run.RunId;

    /// <summary>Gets the id of the top-level run, under which the step's interrupts are kept (a nested graph's steps ask under their outermost run's id).</summary>
    internal string InterruptRunId => _run.Root.RunId;

    /// <summary>Gets the step.</summary>
    public TaskStep Step => _node.Step;

    /// <summary>Gets the step's id within its run (nested graph steps read <c>parent/child</c>).</summary>
    public string StepId => _node.QualifiedId;

    /// <summary>Gets the role performing this attempt (after an escalation, the new role).</summary>
    public string Role { get; }

    /// <summary>Gets the registered definition of <see cref="Role"/> (system prompt, model), or <see langword="null"/> when the role is not registered.</summary>
    public SwarmRole? RoleDefinition { get; }

    /// <summary>Gets the attempt (1-based).</summary>
    public int Attempt { get; }

    /// <summary>Gets the failure router's feedback for this attempt (the previous failure and its diagnostics), or <see langword="null"/> on the first attempt.</summary>
    public string? Feedback { get; }

    /// <summary>Gets the previous attempt's failure, or <see langword="null"/> on the first attempt.</summary>
    public StepFailure? PreviousFailure { get; }

    /// <summary>Gets the outputs of the step's dependencies by step id (a dependency that spawned children contributes theirs too).</summary>
    public IReadOnlyDictionary<string, string?> Inputs => _inputs ??= _run.BuildInputs(_node);

    /// <summary>Gets the run's workspace directory.</summary>
    public string WorkspaceDirectory => _run.WorkspaceDirectory;

    /// <summary>Gets the host's services.</summary>
    public IServiceProvider Services => _run.Executor.Services;

    /// <summary>Gets the time provider of the run.</summary>
    public TimeProvider TimeProvider => _run.Executor.TimeProvider;

    /// <summary>Gets the output of any succeeded step of the run.</summary>
    /// <param name="stepId">The step's id.</param>
    /// <returns>The output, or <see langword="null"/> when the step has not succeeded (yet) or has no output.</returns>
    public string? GetOutput(string stepId) => _run.GetOutput(stepId);

    /// <summary>Adds child steps to the run (dynamic decomposition): they start as soon as their dependencies succeed, and this step completes only when all of them have.</summary>
    /// <param name="steps">The children; they may depend on each other and on steps of the run, not on this step or its dependents.</param>
    /// <returns>The ids of the added steps.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphValidationException">The children are invalid (every problem listed); none was added.</exception>
    /// <exception cref="InvalidOperationException">This attempt has already ended.</exception>
    public IReadOnlyList<string> SpawnChildren(IEnumerable<TaskStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return _run.SpawnChildren(_node, [.. steps], Attempt);
    }

    /// <summary>Runs a nested graph with the same executor, as a sub-agent of this step; its events join this run's stream with ids <c>thisStep/child</c>.</summary>
    /// <param name="graph">The nested graph.</param>
    /// <param name="cancellationToken">Cancels the nested run.</param>
    /// <returns>The nested run's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphValidationException">The nested graph is invalid.</exception>
    public Task<SwarmRunResult> RunGraphAsync(TaskGraph graph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return _run.RunNestedAsync(_node, graph, cancellationToken);
    }

    /// <summary>Calls a registered tool under the executor's <see cref="SwarmOptions.MaxConcurrentToolCalls"/> limit.</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <param name="arguments">The arguments, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tool's result.</returns>
    /// <exception cref="ArgumentException"><paramref name="toolName"/> is empty.</exception>
    /// <exception cref="KeyNotFoundException">No tool of that name is registered.</exception>
    public ValueTask<ToolResult> InvokeToolAsync(string toolName, IReadOnlyDictionary<string, string>? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        return _run.Executor.InvokeToolAsync(toolName, new ToolInvocation(StepId, toolName)
        {
            Arguments = arguments ?? (IReadOnlyDictionary<string, string>)EmptyArguments,
            Inputs = _inputs ?? (IReadOnlyDictionary<string, string?>)new InputsView(this),
            WorkspaceDirectory = WorkspaceDirectory,
            Attempt = Attempt,
            RunId = InterruptRunId,
        }, cancellationToken);
    }

    private static readonly Dictionary<string, string> EmptyArguments = [];
}
