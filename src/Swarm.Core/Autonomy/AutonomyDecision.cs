namespace Swarm;

/// <summary>An <see cref="IAutonomyGate"/>'s verdict on a step about to run: allow it, ask for approval, or deny it.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class AutonomyDecision
{
    private static readonly AutonomyDecision Allowed = new(AutonomyAction.Allow, null, null);

    private AutonomyDecision(AutonomyAction action, string? reason, string? question)
    {
        Action = action;
        Reason = reason;
        Question = question;
    }

    /// <summary>Gets what the gate decided.</summary>
    public AutonomyAction Action { get; }

    /// <summary>Gets why (logged, traced, and quoted in the step's failure when it is not allowed), or <see langword="null"/> for a plain allow.</summary>
    public string? Reason { get; }

    /// <summary>Gets the question put to the approver, or <see langword="null"/> for the executor's standard question (step, risk, role, what it does).</summary>
    public string? Question { get; }

    /// <summary>Lets the step run.</summary>
    /// <param name="reason">Why, or <see langword="null"/>.</param>
    /// <returns>An allow decision (a shared instance when <paramref name="reason"/> is <see langword="null"/>).</returns>
    public static AutonomyDecision Allow(string? reason = null) => reason is null ? Allowed : new(AutonomyAction.Allow, reason, null);

    /// <summary>Makes the step wait for approval; it runs only when the approver answers yes.</summary>
    /// <param name="reason">Why approval is needed.</param>
    /// <param name="question">The question put to the approver, or <see langword="null"/> for the standard question.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is <see langword="null"/> or empty.</exception>
    public static AutonomyDecision RequireApproval(string reason, string? question = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(AutonomyAction.RequireApproval, reason, string.IsNullOrEmpty(question) ? null : question);
    }

    /// <summary>Fails the step (<see cref="FailureCategory.Policy"/>) without asking anyone.</summary>
    /// <param name="reason">Why the step may not run.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is <see langword="null"/> or empty.</exception>
    public static AutonomyDecision Deny(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(AutonomyAction.Deny, reason, null);
    }

    /// <inheritdoc/>
    public override string ToString() => Reason is null ? Action.ToString() : Action + ": " + Reason;
}
