namespace Swarm;

/// <summary>Names of Swarm's activity sources, meters, instruments and tags, for OpenTelemetry configuration (<c>AddSource("Swarm.*")</c>).</summary>
public static class SwarmDiagnostics
{
    /// <summary>The ActivitySource of Swarm.Core: a span per run (<see cref="RunActivityName"/>) and per step attempt (<see cref="StepActivityName"/>).</summary>
    public const string ActivitySourceName = "Swarm.Core";

    /// <summary>The Meter of Swarm.Core, created through <c>IMeterFactory</c>.</summary>
    public const string MeterName = "Swarm.Core";

    /// <summary>The name of a run's span.</summary>
    public const string RunActivityName = "swarm.run";

    /// <summary>The name of a step attempt's span.</summary>
    public const string StepActivityName = "swarm.step";

    /// <summary>The name of the span event recording a failure-routing decision.</summary>
    public const string FailureDecisionEventName = "swarm.failure.decision";

    /// <summary>Counter of step attempts started, in <c>{step}</c>.</summary>
    public const string StepsStarted = "swarm.step.started";

    /// <summary>Counter of steps that succeeded, in <c>{step}</c>.</summary>
    public const string StepsSucceeded = "swarm.step.succeeded";

    /// <summary>Counter of step attempts that failed, in <c>{step}</c>.</summary>
    public const string StepsFailed = "swarm.step.failed";

    /// <summary>Counter of retries with the same role, in <c>{step}</c>.</summary>
    public const string StepsRetried = "swarm.step.retried";

    /// <summary>Counter of escalations to another role, in <c>{step}</c>.</summary>
    public const string StepsEscalated = "swarm.step.escalated";

    /// <summary>Counter of failure-routing decisions, tagged with action and category, in <c>{decision}</c>.</summary>
    public const string FailureDecisions = "swarm.failure.decisions";

    /// <summary>Histogram of step durations (first attempt to completion), in seconds.</summary>
    public const string StepDuration = "swarm.step.duration";

    /// <summary>Histogram of run wall times, in seconds.</summary>
    public const string RunDuration = "swarm.run.duration";

    /// <summary>Tag: the run's id.</summary>
    public const string RunIdTag = "swarm.run.id";

    /// <summary>Tag: the step's id.</summary>
    public const string StepIdTag = "swarm.step.id";

    /// <summary>Tag: the step's kind.</summary>
    public const string StepKindTag = "swarm.step.kind";

    /// <summary>Tag: the role performing the step.</summary>
    public const string RoleTag = "swarm.role";

    /// <summary>Tag: the attempt number.</summary>
    public const string AttemptTag = "swarm.step.attempt";

    /// <summary>Tag: the step's or run's outcome.</summary>
    public const string StatusTag = "swarm.status";

    /// <summary>Tag: the failure category.</summary>
    public const string FailureCategoryTag = "swarm.failure.category";

    /// <summary>Tag: the failure router's action.</summary>
    public const string FailureActionTag = "swarm.failure.action";

    /// <summary>Tag: the failure router's reason.</summary>
    public const string FailureReasonTag = "swarm.failure.reason";

    /// <summary>The counter of steps whose output came from the step cache (<c>{step}</c>).</summary>
    public const string StepCacheHits = "swarm.step.cache.hits";

    /// <summary>The counter of cacheable steps that ran because the cache had no output for them (<c>{step}</c>).</summary>
    public const string StepCacheMisses = "swarm.step.cache.misses";

    /// <summary>The step-activity tag telling whether a cacheable step's output came from the cache.</summary>
    public const string CacheHitTag = "swarm.cache.hit";

    /// <summary>The step-activity tag with the cache key of a step served from the cache.</summary>
    public const string CacheKeyTag = "swarm.cache.key";

    /// <summary>The name of the activity event a step records when it asks an interrupt.</summary>
    public const string InterruptEventName = "swarm.interrupt";

    /// <summary>The tag with an interrupt's id.</summary>
    public const string InterruptIdTag = "swarm.interrupt.id";

    /// <summary>Counter of autonomy-gate decisions on steps about to run, tagged with <see cref="AutonomyActionTag"/> and <see cref="RiskTag"/>, in <c>{decision}</c>.</summary>
    public const string AutonomyDecisions = "swarm.autonomy.decisions";

    /// <summary>Counter of approval outcomes, tagged with <see cref="AutonomyOutcomeTag"/> (<c>approved</c>, <c>denied</c>, <c>expired</c>, <c>pending</c>, <c>unavailable</c>), in <c>{approval}</c>.</summary>
    public const string AutonomyApprovals = "swarm.autonomy.approvals";

    /// <summary>The name of the step-span event recording an autonomy-gate decision or an approval outcome.</summary>
    public const string AutonomyDecisionEventName = "swarm.autonomy.decision";

    /// <summary>Tag: the autonomy gate's action (<c>Allow</c>, <c>RequireApproval</c>, <c>Deny</c>).</summary>
    public const string AutonomyActionTag = "swarm.autonomy.action";

    /// <summary>Tag: the autonomy gate's reason.</summary>
    public const string AutonomyReasonTag = "swarm.autonomy.reason";

    /// <summary>Tag: the outcome of an approval (<c>approved</c>, <c>denied</c>, <c>expired</c>, <c>pending</c>, <c>unavailable</c>).</summary>
    public const string AutonomyOutcomeTag = "swarm.autonomy.outcome";

    /// <summary>Tag: the step's risk level.</summary>
    public const string RiskTag = "swarm.step.risk";
}
