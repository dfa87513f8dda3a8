using Microsoft.Extensions.Logging;

namespace Swarm.Gates;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Starting {Executable} {Arguments} in {WorkingDirectory}")]
    public static partial void ProcessStarting(ILogger logger, string executable, string arguments, string workingDirectory);

    [LoggerMessage(2, LogLevel.Debug, "{Executable} exited with code {ExitCode} after {Duration}")]
    public static partial void ProcessExited(ILogger logger, string executable, int exitCode, TimeSpan duration);

    [LoggerMessage(3, LogLevel.Warning, "{Executable} timed out after {Timeout}; its process tree was killed")]
    public static partial void ProcessTimedOut(ILogger logger, string executable, TimeSpan timeout);

    [LoggerMessage(4, LogLevel.Debug, "Killed the process tree of {Executable} (session {SessionId}, {Count} processes): {Reason}")]
    public static partial void ProcessKilled(ILogger logger, string executable, int sessionId, int count, string reason);

    [LoggerMessage(5, LogLevel.Warning, "{Executable} left {Count} processes behind in session {SessionId}; they were killed")]
    public static partial void LeftoversKilled(ILogger logger, string executable, int sessionId, int count);

    [LoggerMessage(6, LogLevel.Warning, "Output of {Executable} is still held open by a process outside its session; reading stopped")]
    public static partial void OutputAbandoned(ILogger logger, string executable);

    [LoggerMessage(10, LogLevel.Information, "Gate {GateName} on step {StepId}: {Outcome} ({Category}) in {Duration}: {Summary}")]
    public static partial void GateEvaluated(ILogger logger, string gateName, string stepId, string outcome, FailureCategory category, TimeSpan duration, string? summary);

    [LoggerMessage(11, LogLevel.Warning, "Gate {GateName} cannot run: {Reason}")]
    public static partial void GateToolMissing(ILogger logger, string gateName, string reason);

    [LoggerMessage(20, LogLevel.Information, "Gate pipeline on step {StepId}: {Outcome}, {Count} gates, first failure {Category}")]
    public static partial void PipelineEvaluated(ILogger logger, string stepId, string outcome, int count, FailureCategory category);
}
