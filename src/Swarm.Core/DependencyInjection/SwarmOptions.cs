using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Options of the Swarm executor.</summary>
/// <remarks>Validated when the host starts (and when first read): bad values give an <see cref="OptionsValidationException"/> that names them.</remarks>
public sealed class SwarmOptions
{
    /// <summary>Gets or sets how many agents (steps) may run at once in one run; nested graphs get their own allowance.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 1_000_000)]
    public int MaxParallelAgents { get; set; } = 100;

    /// <summary>Gets or sets how many tool calls may run at once, over all runs of the executor.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 1_000_000)]
    public int MaxConcurrentToolCalls { get; set; } = 64;

    /// <summary>Gets or sets the time limit of a step attempt that sets none, or <see langword="null"/> for no limit.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? DefaultStepTimeout { get; set; }

    /// <summary>Gets or sets the workspace directory gates and tools run in, or <see langword="null"/> for the current directory.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? WorkspaceDirectory { get; set; }

    /// <summary>Gets or sets the registered roles (personas); steps must name one of them when <see cref="ValidateRoles"/> is set.</summary>
    /// <value>The default value is <c>worker</c>, <c>coder</c> and <c>architect</c>, the default escalation chain.</value>
    [ValidateEnumeratedItems]
    public IList<SwarmRole> Roles { get; set; } =
    [
        new("worker", "You are a worker of an agent swarm. Do the task you are given, precisely and briefly."),
        new("coder", "You are an experienced software engineer in an agent swarm. Produce correct, idiomatic code that passes its checks."),
        new("architect", "You are the architect of an agent swarm. Solve the hardest tasks, reasoning carefully about design and correctness."),
    ];

    /// <summary>Gets or sets a value indicating whether a graph naming a role missing from <see cref="Roles"/> is rejected before it runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ValidateRoles { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the run state is checkpointed to the <see cref="ICheckpointStore"/> after every completed step.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnableCheckpoints { get; set; } = true;

    /// <summary>Gets or sets the options of durable runs: the SQLite checkpoint file, in-flight tool policy, interrupts.</summary>
    /// <value>The default value keeps checkpoints in memory (<see cref="CheckpointOptions.Path"/> is <see langword="null"/>).</value>
    [ValidateObjectMembers]
    public CheckpointOptions Checkpoints { get; set; } = new();

    /// <summary>Gets or sets the options of the default autonomy gate: which step risk levels wait for approval and which never run.</summary>
    /// <value>The default value asks for approval of <see cref="RiskLevel.High"/> and <see cref="RiskLevel.Critical"/> steps and denies nothing.</value>
    public AutonomyOptions Autonomy { get; set; } = new();
}
