namespace Swarm;

/// <summary>What a failure router sees: the step, the failed attempt, and every earlier failure of the step.</summary>
public sealed class FailureRoutingContext
{
    /// <summary>Initializes a new instance of the <see cref="FailureRoutingContext"/> class.</summary>
    /// <param name="step">The failed step.</param>
    /// <param name="failure">The failure of the latest attempt.</param>
    /// <param name="history">Every failure of the step so far, oldest first, ending with <paramref name="failure"/>.</param>
    /// <param name="decisions">The decisions already taken for the step, oldest first.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public FailureRoutingContext(TaskStep step, StepFailure failure, IReadOnlyList<StepFailure> history, IReadOnlyList<FailureDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(decisions);
        Step = step;
        Failure = failure;
        History = history;
        Decisions = decisions;
    }

    /// <summary>Gets the failed step.</summary>
    public TaskStep Step { get; }

    /// <summary>Gets the failure of the latest attempt.</summary>
    public StepFailure Failure { get; }

    /// <summary>Gets the role that made the failed attempt.</summary>
    public string Role => Failure.Role ?? Step.Role ?? string.Empty;

    /// <summary>Gets the number of the failed attempt (1-based).</summary>
    public int Attempt => Failure.Attempt;

    /// <summary>Gets every failure of the step so far, oldest first.</summary>
    public IReadOnlyList<StepFailure> History { get; }

    /// <summary>Gets the decisions already taken for the step, oldest first.</summary>
    public IReadOnlyList<FailureDecision> Decisions { get; }
}
