namespace Swarm;

/// <summary>Runs a <see cref="TaskGraph"/>: every step starts the moment its own dependencies succeeded, up to the concurrency limits.</summary>
/// <remarks>Thread-safe: one executor runs many graphs at once. Register your own before <c>AddSwarm()</c> to replace the default.</remarks>
public interface ISwarmExecutor
{
    /// <summary>Validates and runs a graph to its end.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="options">Per-run settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run: running steps are canceled, pending ones are not started.</param>
    /// <returns>The result; a failed step does not throw, it is in <see cref="SwarmRunResult.Failures"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphValidationException">The graph is invalid; nothing ran.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<SwarmRunResult> RunAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Validates and runs a graph, streaming what happens; the last event is <see cref="SwarmEventKind.RunCompleted"/> with the result.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="options">Per-run settings, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The events, in the order they happened.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphValidationException">The graph is invalid; nothing ran.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    IAsyncEnumerable<SwarmEvent> RunStreamingAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default);
}
