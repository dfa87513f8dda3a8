namespace Swarm.Gates;

/// <summary>Runs an external tool as a confined, time-limited process tree.</summary>
/// <remarks>
/// Implementations must be thread-safe: gates and tool steps share one runner. The process tree is killed
/// when the request's timeout elapses or the caller cancels.
/// </remarks>
public interface IProcessRunner
{
    /// <summary>Runs a process to completion, its timeout, or cancellation.</summary>
    /// <param name="request">What to run, where, with which arguments and limits.</param>
    /// <param name="cancellationToken">Cancels the run; the whole process tree is killed first.</param>
    /// <returns>The exit code and the captured, capped and redacted output.</returns>
    /// <exception cref="ToolNotFoundException">The executable cannot be found or is not executable.</exception>
    /// <exception cref="WorkspaceEscapeException">The working directory resolves outside the workspace.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken = default);
}
