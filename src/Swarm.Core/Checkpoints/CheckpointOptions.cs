using System.ComponentModel.DataAnnotations;

namespace Swarm;

/// <summary>Options of durable runs: where checkpoints are stored, how in-flight tools and interrupts are handled.</summary>
/// <remarks>Set through <see cref="SwarmOptions.Checkpoints"/>. Not thread-safe; read once when the host builds the services.</remarks>
public sealed class CheckpointOptions
{
    /// <summary>Gets or sets the path of the SQLite checkpoint file, or <see langword="null"/> to keep checkpoints in memory (lost when the process ends).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Path { get; set; }

    /// <summary>Gets or sets a value indicating whether every checkpoint transaction is flushed to the disk (SQLite <c>synchronous=FULL</c>) rather than handed to the operating system (<c>NORMAL</c>).</summary>
    /// <value>
    /// The default value is <see langword="false"/> (WAL with <c>synchronous=NORMAL</c>): a committed checkpoint survives the
    /// process being killed at any instant, and the file is never corrupted; a power loss or operating-system crash may roll back
    /// the last few commits (those steps run again on resume). Set <see langword="true"/> to survive power loss too, at the cost
    /// of one disk flush per batch of completions (milliseconds on most disks).
    /// </value>
    public bool FlushToDisk { get; set; }

    /// <summary>Gets or sets the most step completions (and other writes) committed together in one transaction.</summary>
    /// <value>The default value is 512.</value>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Gets or sets how long the checkpoint writer waits, after a completion reaches an idle queue, for more completions to commit in the same transaction.</summary>
    /// <value>
    /// The default value is 1 millisecond. A step's completion is reported (and survives a crash) at most about this much later;
    /// a batch that reaches <see cref="MaxBatchSize"/>, a run's end and any write a caller waits for (a non-idempotent tool's
    /// journal entry, an interrupt) commit at once. Between fast tool calls one commit then holds hundreds of completions
    /// instead of a few, and every commit rewrites the table and index pages it touches. <see cref="TimeSpan.Zero"/> commits
    /// as soon as the writer is free. Measured on the monotonic clock, not the host's <see cref="TimeProvider"/>.
    /// </value>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Gets or sets what a resumed run does with a non-idempotent tool call that was in flight when the process stopped.</summary>
    /// <value>The default value is <see cref="InFlightToolPolicy.RequireApproval"/>.</value>
    public InFlightToolPolicy InFlightNonIdempotentTools { get; set; } = InFlightToolPolicy.RequireApproval;

    /// <summary>Gets or sets how long a step waits in the process for the answer to its interrupt before the run suspends (the process may then exit).</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>: the step suspends at once and the run ends as <see cref="SwarmRunStatus.Interrupted"/> when nothing else can run.</value>
    public TimeSpan InterruptWait { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets how long an interrupt stays answerable, or <see langword="null"/> for no limit.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? InterruptTimeout { get; set; }

    /// <summary>Gets or sets what happens to a step whose interrupt expired unanswered.</summary>
    /// <value>The default value is <see cref="InterruptTimeoutAction.Fail"/>.</value>
    public InterruptTimeoutAction OnInterruptTimeout { get; set; } = InterruptTimeoutAction.Fail;
}
