namespace Swarm;

/// <summary>What a <see cref="SwarmEvent"/> reports.</summary>
public enum SwarmEventKind
{
    /// <summary>The run started.</summary>
    RunStarted = 0,

    /// <summary>The run ended; the event carries the result.</summary>
    RunCompleted,

    /// <summary>An attempt of a step started.</summary>
    StepStarted,

    /// <summary>A step succeeded; in a checkpointed run, reported once its checkpoint is durable (its dependents may have started before).</summary>
    StepCompleted,

    /// <summary>An attempt of a step failed; a routing event follows.</summary>
    StepFailed,

    /// <summary>The failure router retries the step with the same role.</summary>
    StepRetried,

    /// <summary>The failure router escalates the step to another role.</summary>
    StepEscalated,

    /// <summary>A step was not run because a dependency did not succeed.</summary>
    StepSkipped,

    /// <summary>A running step spawned child steps.</summary>
    ChildrenSpawned,
}
