namespace Swarm;

/// <summary>Decides, before a step runs, whether it may: allow, require a human's approval, or deny.</summary>
/// <remarks>
/// <para>
/// The executor asks the gate before every attempt of every step (after routing, before the handler, the cache or the step's
/// timeout). <see cref="AutonomyAction.Deny"/> fails the attempt with a <see cref="FailureCategory.Policy"/> failure, routed like
/// any failure. <see cref="AutonomyAction.RequireApproval"/> raises the durable interrupt <c>stepId#approve</c>: the step suspends
/// (the run ends <see cref="SwarmRunStatus.Interrupted"/> once nothing else can run, and the process may exit) until
/// <see cref="ISwarmRunManager.AnswerAsync"/> or <see cref="ISwarmRunManager.ResumeAsync"/> answers it. <c>yes</c>,
/// <c>approve</c> (and <c>y</c>, <c>approved</c>, <c>true</c>) run the step; any other answer, or none before the approval
/// expires, fails it (<see cref="FailureCategory.Policy"/>). The answer is stored with the run and is final: it covers every
/// later attempt of the step and every resume, so an approved step is never asked about again.
/// </para>
/// <para>
/// The default gate applies <see cref="SwarmOptions.Autonomy"/> to <see cref="TaskStep.Risk"/>. Replace it with
/// <c>UseAutonomyGate</c>, or register an <see cref="IAutonomyGate"/> before <c>AddSwarm()</c>. Implementations must be
/// thread-safe: steps of many runs ask at once.
/// </para>
/// </remarks>
public interface IAutonomyGate
{
    /// <summary>Decides whether the step may run now.</summary>
    /// <param name="context">The run, step, role and attempt.</param>
    /// <param name="cancellationToken">Cancels the decision (the run was canceled).</param>
    /// <returns>The decision. An exception thrown here fails the attempt (<see cref="FailureCategory.Infra"/>); the step does not run.</returns>
    ValueTask<AutonomyDecision> DecideAsync(AutonomyContext context, CancellationToken cancellationToken = default);
}
