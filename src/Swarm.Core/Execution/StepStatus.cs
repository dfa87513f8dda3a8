namespace Swarm;

/// <summary>Where a step of a run stands.</summary>
public enum StepStatus
{
    /// <summary>Waiting for its dependencies.</summary>
    Pending = 0,

    /// <summary>Running (or waiting for the children it spawned).</summary>
    Running,

    /// <summary>Done, with an output.</summary>
    Succeeded,

    /// <summary>Failed for good: the failure router gave up on it.</summary>
    Failed,

    /// <summary>Not run because a dependency failed or was skipped.</summary>
    Skipped,

    /// <summary>Not finished because the run was canceled.</summary>
    Canceled,
}
