using Microsoft.Extensions.Logging;

namespace Swarm;

/// <summary>Log messages of autonomy gates and approvals; event ids 150-159.</summary>
internal static partial class Log
{
    [LoggerMessage(150, LogLevel.Debug, "Run {RunId}: step {StepId} ({Risk} risk) attempt {Attempt} allowed by the autonomy gate: {Reason}")]
    public static partial void AutonomyAllowed(ILogger logger, string runId, string stepId, RiskLevel risk, int attempt, string? reason);

    [LoggerMessage(151, LogLevel.Information, "Run {RunId}: step {StepId} ({Risk} risk) needs approval through interrupt {InterruptId}: {Reason}")]
    public static partial void AutonomyApprovalRequired(ILogger logger, string runId, string stepId, RiskLevel risk, string interruptId, string? reason);

    [LoggerMessage(152, LogLevel.Warning, "Run {RunId}: step {StepId} ({Risk} risk) denied by the autonomy gate: {Reason}")]
    public static partial void AutonomyDenied(ILogger logger, string runId, string stepId, RiskLevel risk, string? reason);

    [LoggerMessage(153, LogLevel.Information, "Run {RunId}: step {StepId} ({Risk} risk) approved through interrupt {InterruptId}")]
    public static partial void AutonomyApproved(ILogger logger, string runId, string stepId, RiskLevel risk, string interruptId);

    [LoggerMessage(154, LogLevel.Warning, "Run {RunId}: step {StepId} ({Risk} risk) not approved ({Outcome}) through interrupt {InterruptId}; the step fails")]
    public static partial void AutonomyNotApproved(ILogger logger, string runId, string stepId, RiskLevel risk, string outcome, string interruptId);

    [LoggerMessage(155, LogLevel.Information, "Run {RunId}: step {StepId} ({Risk} risk) suspends until interrupt {InterruptId} is answered")]
    public static partial void AutonomyPending(ILogger logger, string runId, string stepId, RiskLevel risk, string interruptId);
}
