namespace Swarm;

/// <summary>What an <see cref="IAutonomyGate"/> decides for a step that is about to run.</summary>
public enum AutonomyAction
{
    /// <summary>The step runs.</summary>
    Allow = 0,

    /// <summary>The step waits for a human's approval (a durable interrupt); it runs only when approved.</summary>
    RequireApproval,

    /// <summary>The step fails with a <see cref="FailureCategory.Policy"/> failure without asking anyone.</summary>
    Deny,
}
