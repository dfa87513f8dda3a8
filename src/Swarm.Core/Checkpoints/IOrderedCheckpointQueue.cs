namespace Swarm;

/// <summary>
/// A checkpoint store whose writes become durable in the order they were queued (one writer, group commit). The executor queues
/// a completed step's record without waiting for it: the step's dependents start at once, and because a dependent completes (and
/// queues its record) after its dependency queued its own, a dependent's record never reaches the disk before its dependency's.
/// </summary>
/// <remarks>Implementations are thread-safe; <see cref="ICheckpointCallback.OnCheckpointed"/> runs on the writer, in queue order.</remarks>
internal interface IOrderedCheckpointQueue
{
    /// <summary>Queues the start of a run (as <see cref="ICheckpointStore.StartRunAsync"/>) behind every write queued before; returns at once.</summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void QueueStart(SwarmRunState state, ICheckpointCallback callback, object? token);

    /// <summary>Queues a step's record (as <see cref="ICheckpointStore.SaveStepAsync"/>) behind every write queued before; returns at once.</summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void QueueStep(string runId, StepRecord record, ICheckpointCallback callback, object? token);

    /// <summary>Queues a run's final status (as <see cref="ICheckpointStore.CompleteRunAsync"/>) behind every write queued before; returns at once.</summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void QueueComplete(string runId, SwarmRunStatus status, ICheckpointCallback callback, object? token);
}
