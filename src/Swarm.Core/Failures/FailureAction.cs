namespace Swarm;

/// <summary>What the failure router decided to do with a failed attempt.</summary>
public enum FailureAction
{
    /// <summary>Run the step again with the same role, with the failure as feedback.</summary>
    Retry = 0,

    /// <summary>Run the step again with the next role of the escalation chain.</summary>
    Escalate,

    /// <summary>Give up on the plan; the run fails with a request to replan.</summary>
    Replan,

    /// <summary>Give up: the step fails and its dependents are skipped.</summary>
    Fail,
}
