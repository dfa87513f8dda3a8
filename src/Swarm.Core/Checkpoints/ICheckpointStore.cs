namespace Swarm;

/// <summary>Keeps the state of runs so an interrupted run can resume: completed steps are never run again.</summary>
/// <remarks>
/// Implementations must be thread-safe: steps of one run complete concurrently. The executor calls
/// <see cref="StartRunAsync"/> once, <see cref="SaveStepAsync"/> after every completed step (succeeded or failed for good)
/// with the step's record (output, spawned children, router decisions), and <see cref="CompleteRunAsync"/> at the end.
/// The in-memory default keeps, for the process's lifetime, the states of runs that did not succeed (the most recent 256);
/// a succeeded run has nothing to resume and is dropped. Durable stores (SQLite) implement the same interface.
/// The executor awaits <see cref="SaveStepAsync"/> of a host's own store before it releases the step's dependents; the
/// built-in SQLite store instead queues records in completion order and commits them in that order, so dependents start
/// at once and a dependent's record still never becomes durable before its dependency's (see docs/durable-runs.md).
/// </remarks>
public interface ICheckpointStore
{
    /// <summary>Records that a run started (or resumed).</summary>
    /// <param name="state">The run's state: its id, graph and any steps already completed.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the state is stored.</returns>
    ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default);

    /// <summary>Records a completed step.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="record">The step's record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default);

    /// <summary>Records how a run ended.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="status">The final status.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the status is stored.</returns>
    ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default);

    /// <summary>Loads the state of a run.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A snapshot of the state, or <see langword="null"/> when the store has no such run.</returns>
    ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default);
}
