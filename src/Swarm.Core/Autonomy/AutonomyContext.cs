namespace Swarm;

/// <summary>What an <see cref="IAutonomyGate"/> knows about the step it decides for: the run, the step, the role and the attempt.</summary>
/// <remarks>Immutable; valid beyond the call.</remarks>
public sealed class AutonomyContext
{
    /// <summary>Initializes a new instance of the <see cref="AutonomyContext"/> class.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="stepId">The step's id within its run (nested graph steps read <c>parent/child</c>).</param>
    /// <param name="step">The step.</param>
    /// <param name="role">The role that would perform the attempt.</param>
    /// <param name="attempt">The attempt (1-based).</param>
    /// <exception cref="ArgumentException"><paramref name="runId"/> or <paramref name="stepId"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> or <paramref name="role"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public AutonomyContext(string runId, string stepId, TaskStep step, string role, int attempt)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(stepId);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(role);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        RunId = runId;
        StepId = stepId;
        Step = step;
        Role = role;
        Attempt = attempt;
    }

    /// <summary>Gets the run's id.</summary>
    public string RunId { get; }

    /// <summary>Gets the step's id within its run (nested graph steps read <c>parent/child</c>).</summary>
    public string StepId { get; }

    /// <summary>Gets the step (its <see cref="TaskStep.Risk"/>, kind, tool, arguments and instruction).</summary>
    public TaskStep Step { get; }

    /// <summary>Gets the role that would perform the attempt (after an escalation, the new role).</summary>
    public string Role { get; }

    /// <summary>Gets the attempt (1-based).</summary>
    public int Attempt { get; }
}
