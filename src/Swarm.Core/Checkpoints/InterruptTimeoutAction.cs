namespace Swarm;

/// <summary>What happens to a step whose interrupt expired unanswered (see <see cref="CheckpointOptions.InterruptTimeout"/>).</summary>
public enum InterruptTimeoutAction
{
    /// <summary>The step fails with a <see cref="FailureCategory.Timeout"/> failure.</summary>
    Fail = 0,

    /// <summary>The interrupt is answered with the default answer the step gave, and the step goes on.</summary>
    UseDefaultAnswer,
}
