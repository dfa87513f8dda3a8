namespace Swarm;

/// <summary>What a resumed run does with a call of a non-idempotent tool that started before the process stopped and whose end was not recorded.</summary>
public enum InFlightToolPolicy
{
    /// <summary>The run raises an interrupt asking whether to call the tool again; <c>yes</c> calls it, any other answer fails the step.</summary>
    RequireApproval = 0,

    /// <summary>The step fails (category <see cref="FailureCategory.Infra"/>) without calling the tool again.</summary>
    Fail,

    /// <summary>The tool is called again, as if it were idempotent (the host accepts a possible second effect).</summary>
    RunAgain,
}
