using Microsoft.Extensions.Logging;

namespace Swarm;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Run {RunId} of graph {GraphId} started with {StepCount} steps")]
    public static partial void RunStarted(ILogger logger, string runId, string graphId, int stepCount);

    [LoggerMessage(2, LogLevel.Information, "Run {RunId} ended {Status} in {WallSeconds:F3} s: {TotalSteps} steps, {CriticalSteps} critical")]
    public static partial void RunCompleted(ILogger logger, string runId, SwarmRunStatus status, double wallSeconds, int totalSteps, int criticalSteps);

    [LoggerMessage(3, LogLevel.Debug, "Run {RunId}: step {StepId} attempt {Attempt} started as {Role}")]
    public static partial void StepStarted(ILogger logger, string runId, string stepId, int attempt, string? role);

    [LoggerMessage(4, LogLevel.Debug, "Run {RunId}: step {StepId} succeeded after {Attempt} attempt(s) in {Seconds:F3} s")]
    public static partial void StepSucceeded(ILogger logger, string runId, string stepId, int attempt, double seconds);

    [LoggerMessage(5, LogLevel.Warning, "Run {RunId}: step {StepId} attempt {Attempt} failed ({Category}): {ExceptionType}: {Message}")]
    public static partial void StepAttemptFailed(ILogger logger, Exception? exception, string runId, string stepId, int attempt, FailureCategory category, string? exceptionType, string message);

    [LoggerMessage(6, LogLevel.Information, "Run {RunId}: step {StepId} attempt {Attempt} failure routed: {Action} to {Role} because {Reason}")]
    public static partial void FailureRouted(ILogger logger, string runId, string stepId, int attempt, FailureAction action, string? role, string reason);

    [LoggerMessage(7, LogLevel.Error, "Run {RunId}: step {StepId} failed for good after {Attempt} attempt(s): {ExceptionType}: {Message}")]
    public static partial void StepFailed(ILogger logger, Exception? exception, string runId, string stepId, int attempt, string? exceptionType, string message);

    [LoggerMessage(8, LogLevel.Debug, "Run {RunId}: step {StepId} skipped because a dependency did not succeed")]
    public static partial void StepSkipped(ILogger logger, string runId, string stepId);

    [LoggerMessage(9, LogLevel.Debug, "Run {RunId}: step {StepId} spawned {Count} child steps")]
    public static partial void ChildrenSpawned(ILogger logger, string runId, string stepId, int count);

    [LoggerMessage(10, LogLevel.Error, "Run {RunId}: checkpointing failed; the run continues but may not resume from here")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(11, LogLevel.Error, "Run {RunId}: the failure router threw while routing step {StepId}; the step fails")]
    public static partial void RouterFailed(ILogger logger, Exception exception, string runId, string stepId);

    [LoggerMessage(12, LogLevel.Trace, "Run {RunId}: step {StepId} attempt {Attempt} output: {Output}")]
    public static partial void StepOutputSensitive(ILogger logger, string runId, string stepId, int attempt, string? output);
}
