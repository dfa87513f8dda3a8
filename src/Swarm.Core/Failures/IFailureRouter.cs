namespace Swarm;

/// <summary>Decides what happens after a failed step attempt: retry, escalate, replan or fail.</summary>
/// <remarks>
/// Implementations must be thread-safe. The executor logs, traces and counts every decision with its reason,
/// whichever router made it. Register your own before <c>AddSwarm()</c>, or wrap the default with
/// <see cref="DelegatingFailureRouter"/> through <see cref="FailureRouterBuilder"/>.
/// </remarks>
public interface IFailureRouter
{
    /// <summary>Routes a failed attempt.</summary>
    /// <param name="context">The step, its failure and its history.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default);
}
