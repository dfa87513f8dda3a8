namespace Swarm;

/// <summary>Durable runs: resume after a crash or an interrupt, answer interrupts, list checkpoints, replay and fork (time travel), prune history.</summary>
/// <remarks>Thread-safe. Needs a durable checkpoint store (<see cref="CheckpointOptions.Path"/>); without one, every member throws <see cref="InvalidOperationException"/>.</remarks>
public interface ISwarmRunManager
{
    /// <summary>Resumes a checkpointed run: completed steps are not run again (their outputs are reused), steps that were in flight run again.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="answers">Answers to the run's pending interrupts, by interrupt id, or <see langword="null"/>.</param>
    /// <param name="options">Per-run settings (the workspace), or <see langword="null"/>; the run id and state come from the store.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The run's result; <see cref="SwarmRunStatus.Interrupted"/> when steps still wait for answers.</returns>
    /// <exception cref="KeyNotFoundException">The store has no such run, or an answer names an interrupt the run does not have.</exception>
    /// <exception cref="InvalidOperationException">An answer is for an interrupt answered differently before or expired.</exception>
    Task<SwarmRunResult> ResumeAsync(string runId, IReadOnlyDictionary<string, string>? answers = null, SwarmRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Answers one interrupt durably; a step waiting in this process continues at once, otherwise the next <see cref="ResumeAsync"/> uses the answer.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="interruptId">The interrupt's id.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The interrupt as stored.</returns>
    /// <exception cref="KeyNotFoundException">The run has no such interrupt.</exception>
    /// <exception cref="InvalidOperationException">The interrupt was answered differently before, or expired.</exception>
    Task<SwarmInterrupt> AnswerAsync(string runId, string interruptId, string answer, CancellationToken cancellationToken = default);

    /// <summary>Asks a question from code that runs inside a step but has no <see cref="StepContext"/> — a tool (<see cref="ToolInvocation.RunId"/>, <see cref="ToolInvocation.StepId"/>), an approval service or autonomy gate — with the semantics of <see cref="StepContextInterruptExtensions.InterruptAsync"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="stepId">The id of the step being run.</param>
    /// <param name="interruptId">The interrupt's id, unique in the run and the same each time the step runs (for example <c>stepId#approve-deploy</c>).</param>
    /// <param name="question">The question.</param>
    /// <param name="defaultAnswer">The answer used when the interrupt expires and <see cref="CheckpointOptions.OnInterruptTimeout"/> is <see cref="InterruptTimeoutAction.UseDefaultAnswer"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="StepInterruptedException">The question is not answered yet; let it propagate so the step suspends.</exception>
    /// <exception cref="StepFailureException">The question expired unanswered and the timeout action is <see cref="InterruptTimeoutAction.Fail"/>.</exception>
    Task<string> InterruptAsync(string runId, string stepId, string interruptId, string question, string? defaultAnswer = null, CancellationToken cancellationToken = default);

    /// <summary>Lists interrupts.</summary>
    /// <param name="runId">A run's id, or <see langword="null"/> for every run.</param>
    /// <param name="status">A status to filter on (<see cref="InterruptStatus.Pending"/> for the questions waiting), or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The interrupts, oldest first.</returns>
    Task<IReadOnlyList<SwarmInterrupt>> ListInterruptsAsync(string? runId = null, InterruptStatus? status = InterruptStatus.Pending, CancellationToken cancellationToken = default);

    /// <summary>Lists the checkpoints of a run, one per completed step, oldest first.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoints.</returns>
    /// <exception cref="KeyNotFoundException">The store has no such run.</exception>
    Task<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Loads a run's state, as it is now or as it was at a checkpoint.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="checkpoint">A checkpoint number (0 for the state before any step completed), or <see langword="null"/> for the latest state.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state.</returns>
    /// <exception cref="KeyNotFoundException">The store has no such run.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The run has no such checkpoint.</exception>
    /// <exception cref="InvalidOperationException">Retention compacted the checkpoint.</exception>
    Task<SwarmRunState> GetStateAsync(string runId, int? checkpoint = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a run again from one of its checkpoints, as a new run: the steps completed by then are reused, the others run again. The original run is untouched.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="checkpoint">The checkpoint to start from.</param>
    /// <param name="options">Per-run settings (a new run id, the workspace), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The new run's result.</returns>
    /// <exception cref="KeyNotFoundException">The store has no such run.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The run has no such checkpoint.</exception>
    Task<SwarmRunResult> ReplayAsync(string runId, int checkpoint, SwarmRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Forks a new run from a checkpoint with an edited state (outputs of completed steps, or the graph: an edited step) and runs it. The original run is untouched.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="checkpoint">The checkpoint to fork from.</param>
    /// <param name="edit">Edits a copy of the state: change <see cref="SwarmRunState.Steps"/> (remove a record to run its step again, change an output) or <see cref="SwarmRunState.Graph"/>.</param>
    /// <param name="options">Per-run settings (a new run id, the workspace), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The new run's result.</returns>
    /// <exception cref="KeyNotFoundException">The store has no such run.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The run has no such checkpoint.</exception>
    /// <exception cref="TaskGraphValidationException">The edited graph is invalid; no run was created.</exception>
    Task<SwarmRunResult> ForkAsync(string runId, int checkpoint, Action<SwarmRunState> edit, SwarmRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Removes history finished runs no longer need; never what a resumable run or a pending interrupt needs.</summary>
    /// <param name="retention">What to remove.</param>
    /// <param name="cancellationToken">Cancels the prune.</param>
    /// <returns>What was removed.</returns>
    Task<RetentionReport> PruneAsync(CheckpointRetention retention, CancellationToken cancellationToken = default);
}
