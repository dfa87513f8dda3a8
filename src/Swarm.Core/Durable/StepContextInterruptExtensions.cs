using Microsoft.Extensions.DependencyInjection;

namespace Swarm;

/// <summary>Human in the loop: a running step asks a question and continues with the answer.</summary>
public static class StepContextInterruptExtensions
{
    /// <summary>Asks a question and waits for its answer. The n-th question of a step has the id <c>stepId#n</c>; once answered it is never asked again, even when the step runs again after a restart.</summary>
    /// <param name="context">The step's context.</param>
    /// <param name="question">The question.</param>
    /// <param name="defaultAnswer">The answer used when the interrupt expires and <see cref="CheckpointOptions.OnInterruptTimeout"/> is <see cref="InterruptTimeoutAction.UseDefaultAnswer"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The answer.</returns>
    /// <remarks>
    /// When no answer comes within <see cref="CheckpointOptions.InterruptWait"/>, this throws <see cref="StepInterruptedException"/>:
    /// the step suspends, the run ends as <see cref="SwarmRunStatus.Interrupted"/> once nothing else can run, and the process may
    /// exit. <see cref="ISwarmRunManager.ResumeAsync"/> with the answer runs the step again; this call then returns the answer at once.
    /// Code before the question therefore runs again on resume: keep it free of side effects, or ask first.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">No durable checkpoint store is configured (set <see cref="CheckpointOptions.Path"/>).</exception>
    /// <exception cref="StepInterruptedException">The question is not answered yet; the step suspends.</exception>
    /// <exception cref="StepFailureException">The question expired unanswered and the timeout action is <see cref="InterruptTimeoutAction.Fail"/>.</exception>
    public static Task<string> InterruptAsync(this StepContext context, string question, string? defaultAnswer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(question);
        var runtime = context.Services.GetService<DurableRuntime>()
            ?? throw new InvalidOperationException("Interrupts need the durable-run services of AddSwarm().");
        return runtime.AskAsync(context, question, defaultAnswer, cancellationToken);
    }
}
