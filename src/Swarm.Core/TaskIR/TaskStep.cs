namespace Swarm;

/// <summary>One sub-task of a <see cref="TaskGraph"/>: who does it, what to do, and what it waits for.</summary>
/// <remarks>A plain data object; do not change a step while a run that uses it is in progress.</remarks>
public sealed class TaskStep
{
    /// <summary>Gets or sets the step's id, unique within its graph.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the role (persona) that performs the step; empty lets the <see cref="IRoleRouter"/> choose.</summary>
    public string? Role { get; set; }

    /// <summary>Gets or sets what the step must do (the prompt of an LLM step).</summary>
    public string Instruction { get; set; } = string.Empty;

    /// <summary>Gets or sets the ids of the steps this step waits for; their outputs become its inputs.</summary>
    public IList<string> DependsOn { get; set; } = [];

    /// <summary>Gets or sets what kind of work the step does.</summary>
    /// <value>The default value is <see cref="StepKind.Llm"/>.</value>
    public StepKind Kind { get; set; }

    /// <summary>Gets or sets the tool a <see cref="StepKind.Tool"/> step calls, or the procedure a <see cref="StepKind.Procedure"/> step runs.</summary>
    public string? Tool { get; set; }

    /// <summary>Gets or sets the arguments of the tool or procedure.</summary>
    public IDictionary<string, string>? Args { get; set; }

    /// <summary>Gets or sets the names of the gates the step's output must pass, in order.</summary>
    public IList<string> Gates { get; set; } = [];

    /// <summary>Gets or sets the step's time limit per attempt, or <see langword="null"/> for the executor's default.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the most attempts (first try, retries and escalations) the step may take, or <see langword="null"/> for no limit beyond the failure policy.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets how risky the step's action is; the <see cref="IAutonomyGate"/> decides from it whether the step runs, waits for approval, or is denied.</summary>
    /// <value>The default value is <see cref="RiskLevel.Low"/>.</value>
    /// <remarks>With the default <see cref="SwarmOptions.Autonomy"/>, <see cref="RiskLevel.High"/> and <see cref="RiskLevel.Critical"/> steps run only once approved.</remarks>
    public RiskLevel Risk { get; set; }

    /// <summary>Gets or sets the step's task type, which role routers map to a role.</summary>
    public string? TaskType { get; set; }

    /// <summary>Gets or sets the nested workflow a <see cref="StepKind.Graph"/> step runs.</summary>
    public TaskGraph? Graph { get; set; }

    /// <summary>Gets or sets the step's cache policy, or <see langword="null"/> when the step always runs.</summary>
    /// <remarks>An identical step (same role, instruction, kind, tool, arguments and inputs) of a later run reuses the stored output; needs a durable checkpoint store.</remarks>
    public StepCachePolicy? Cache { get; set; }
}
