using Microsoft.Extensions.Logging;

namespace Swarm;

/// <summary>Log messages of durable runs (checkpoints, resume, interrupts, cache); event ids 100-149.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Error, "A checkpoint batch of {Count} write(s) failed; committing its writes one by one")]
    public static partial void CheckpointBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(101, LogLevel.Information, "Run {RunId} resumes with {Completed} completed step(s)")]
    public static partial void RunResuming(ILogger logger, string runId, int completed);

    [LoggerMessage(102, LogLevel.Information, "Run {RunId}: step {StepId} asks interrupt {InterruptId} and waits for an answer")]
    public static partial void InterruptRaised(ILogger logger, string runId, string stepId, string interruptId);

    [LoggerMessage(103, LogLevel.Information, "Run {RunId}: interrupt {InterruptId} answered")]
    public static partial void InterruptAnswered(ILogger logger, string runId, string interruptId);

    [LoggerMessage(104, LogLevel.Warning, "Run {RunId}: interrupt {InterruptId} expired unanswered ({Action})")]
    public static partial void InterruptExpired(ILogger logger, string runId, string interruptId, InterruptTimeoutAction action);

    [LoggerMessage(105, LogLevel.Warning, "Run {RunId}: step {StepId} had non-idempotent tool {Tool} in flight when the process stopped; policy {Policy}")]
    public static partial void InFlightToolFound(ILogger logger, string runId, string stepId, string tool, InFlightToolPolicy policy);

    [LoggerMessage(106, LogLevel.Debug, "Run {RunId}: step {StepId} reused the cached output {CacheKey}")]
    public static partial void StepCacheHit(ILogger logger, string runId, string stepId, string cacheKey);

    [LoggerMessage(107, LogLevel.Information, "Run {RunId} suspended: {Pending} interrupt(s) wait for answers")]
    public static partial void RunSuspended(ILogger logger, string runId, int pending);

    [LoggerMessage(108, LogLevel.Information, "Run {NewRunId} forked from run {RunId} at checkpoint {Checkpoint}")]
    public static partial void RunForked(ILogger logger, string newRunId, string runId, int checkpoint);

    [LoggerMessage(109, LogLevel.Warning, "The checkpoint file's WAL checkpoint failed; the log keeps growing until the next one succeeds")]
    public static partial void WalCheckpointFailed(ILogger logger, Exception exception);
}
