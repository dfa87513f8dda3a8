namespace Swarm;

/// <summary>A failure router's decision about a failed attempt, with the reason it was taken.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Role">The role of the next attempt (for <see cref="FailureAction.Retry"/> and <see cref="FailureAction.Escalate"/>).</param>
/// <param name="Feedback">The feedback the next attempt receives (the failure and its diagnostics).</param>
/// <param name="Reason">Why the router decided so; logged, traced, counted and checkpointed.</param>
public sealed record FailureDecision(FailureAction Action, string? Role, string? Feedback, string Reason)
{
    /// <summary>Creates a decision to retry with the same role.</summary>
    /// <param name="role">The role.</param>
    /// <param name="feedback">The feedback for the next attempt.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static FailureDecision Retry(string role, string? feedback, string reason) => new(FailureAction.Retry, role, feedback, reason);

    /// <summary>Creates a decision to escalate to another role.</summary>
    /// <param name="role">The next role.</param>
    /// <param name="feedback">The feedback for the next attempt.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static FailureDecision Escalate(string role, string? feedback, string reason) => new(FailureAction.Escalate, role, feedback, reason);

    /// <summary>Creates a decision to replan.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static FailureDecision Replan(string reason) => new(FailureAction.Replan, null, null, reason);

    /// <summary>Creates a decision to fail the step.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The decision.</returns>
    public static FailureDecision Fail(string reason) => new(FailureAction.Fail, null, null, reason);
}
