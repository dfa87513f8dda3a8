namespace Swarm;

/// <summary>Does the work of the steps of one <see cref="StepKind"/> (LLM call, tool call, procedure, nested graph).</summary>
/// <remarks>
/// Implementations must be thread-safe. A handler the host registers (before or after <c>AddSwarm()</c>) replaces the
/// built-in handler of its kind; among several host handlers for one kind, the one registered last wins. Throw <see cref="StepFailureException"/>
/// to fail an attempt with a category; any other exception fails it as <see cref="FailureCategory.Infra"/>.
/// </remarks>
public interface IStepHandler
{
    /// <summary>Gets the kind of steps this handler runs.</summary>
    StepKind Kind { get; }

    /// <summary>Runs one attempt of a step.</summary>
    /// <param name="context">The step, its role, attempt, feedback and inputs; lets it spawn children or run a nested graph.</param>
    /// <param name="cancellationToken">Canceled at the step's timeout or when the run is canceled.</param>
    /// <returns>The step's output.</returns>
    ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}
