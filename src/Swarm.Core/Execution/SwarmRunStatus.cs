namespace Swarm;

/// <summary>How a run stands or ended.</summary>
public enum SwarmRunStatus
{
    /// <summary>The run is in progress (or was interrupted and can resume).</summary>
    Running = 0,

    /// <summary>Every step succeeded.</summary>
    Succeeded,

    /// <summary>At least one step failed for good.</summary>
    Failed,

    /// <summary>The run was canceled, or its time budget ran out.</summary>
    Canceled,

    /// <summary>Steps wait for answers to their interrupts; the run is checkpointed and continues with <see cref="ISwarmRunManager.ResumeAsync"/>.</summary>
    Interrupted,
}
