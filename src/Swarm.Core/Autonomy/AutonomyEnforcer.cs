using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Swarm;

/// <summary>The executor's side of autonomy gates: asks the gate before a step's attempt, raises and awaits the approval, and turns a refusal into a <see cref="FailureCategory.Policy"/> failure.</summary>
/// <remarks>Thread-safe; one per executor.</remarks>
internal sealed class AutonomyEnforcer
{
    /// <summary>The suffix of a step's approval interrupt: <c>stepId#approve</c>.</summary>
    public const string ApprovalSuffix = "#approve";

    private static readonly string[] RiskNames = ["Low", "Medium", "High", "Critical"];
    private static readonly KeyValuePair<string, object?> AllowTag = new(SwarmDiagnostics.AutonomyActionTag, nameof(AutonomyAction.Allow));

    private readonly IAutonomyGate _gate;
    private readonly RiskAutonomyGate? _default;
    private readonly SwarmOptions _options;
    private readonly DurableRuntime? _durable;
    private readonly ILogger _logger;
    private readonly SwarmInstruments _instruments;

    public AutonomyEnforcer(IAutonomyGate gate, SwarmOptions options, DurableRuntime? durable, ILogger logger, SwarmInstruments instruments)
    {
        _gate = gate;
        _default = gate as RiskAutonomyGate;
        _options = options;
        _durable = durable;
        _logger = logger;
        _instruments = instruments;
    }

    /// <summary>Returns when the attempt may run; throws <see cref="StepFailureException"/> (Policy) when it may not, <see cref="StepInterruptedException"/> while its approval is pending.</summary>
    public ValueTask EnsureAllowedAsync(SwarmRun run, StepNode node, string role, int attempt, Activity? activity, CancellationToken cancellationToken)
    {
        var risk = node.Step.Risk;
        if (_default is not null && _default.AllowsWithoutAsking(risk))
        {
            // The common case: no threshold reached, nothing to ask, no allocation.
            _instruments.AutonomyDecisions.Add(1, AllowTag, RiskTag(risk));
            return ValueTask.CompletedTask;
        }

        return DecideAsync(run, node, role, attempt, activity, cancellationToken);
    }

    private static KeyValuePair<string, object?> RiskTag(RiskLevel risk) =>
        new(SwarmDiagnostics.RiskTag, (uint)risk < (uint)RiskNames.Length ? RiskNames[(int)risk] : risk.ToString());

    private async ValueTask DecideAsync(SwarmRun run, StepNode node, string role, int attempt, Activity? activity, CancellationToken cancellationToken)
    {
        var step = node.Step;
        var risk = step.Risk;
        var stepId = node.QualifiedId;
        var context = new AutonomyContext(run.Root.RunId, stepId, step, role, attempt);
        var decision = await _gate.DecideAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The autonomy gate {_gate.GetType().FullName} returned no decision for step '{stepId}'.");
        var action = decision.Action.ToString();
        _instruments.AutonomyDecisions.Add(1, new KeyValuePair<string, object?>(SwarmDiagnostics.AutonomyActionTag, action), RiskTag(risk));
        if (activity is not null)
        {
            activity.SetTag(SwarmDiagnostics.RiskTag, risk.ToString());
            activity.SetTag(SwarmDiagnostics.AutonomyActionTag, action);
            activity.SetTag(SwarmDiagnostics.AutonomyReasonTag, decision.Reason);
            activity.AddEvent(new ActivityEvent(SwarmDiagnostics.AutonomyDecisionEventName, tags: new ActivityTagsCollection
            {
                [SwarmDiagnostics.AutonomyActionTag] = action,
                [SwarmDiagnostics.AutonomyReasonTag] = decision.Reason,
                [SwarmDiagnostics.RiskTag] = risk.ToString(),
            }));
        }

        switch (decision.Action)
        {
            case AutonomyAction.Allow:
                Log.AutonomyAllowed(_logger, run.Root.RunId, stepId, risk, attempt, decision.Reason);
                return;
            case AutonomyAction.Deny:
                Log.AutonomyDenied(_logger, run.Root.RunId, stepId, risk, decision.Reason);
                throw new StepFailureException(FailureCategory.Policy, $"Step '{stepId}' ({risk} risk) was denied by the autonomy gate and did not run: {decision.Reason}.");
            case AutonomyAction.RequireApproval:
                await AwaitApprovalAsync(run, node, risk, decision, context, activity, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new InvalidOperationException($"The autonomy gate {_gate.GetType().FullName} returned an unknown action {decision.Action} for step '{stepId}'.");
        }
    }

    private async ValueTask AwaitApprovalAsync(SwarmRun run, StepNode node, RiskLevel risk, AutonomyDecision decision, AutonomyContext context, Activity? activity, CancellationToken cancellationToken)
    {
        var stepId = node.QualifiedId;
        var interruptId = stepId + ApprovalSuffix;
        if (_durable?.Store is null || !run.Root.Checkpoint)
        {
            // Nothing durable to wait on: the safe answer is that the step does not run. (A nested graph's step asks under
            // its top-level run, which is checkpointed; its graph step suspends with it.)
            var why = _durable?.Store is null
                ? "approvals need a durable checkpoint store: set SwarmOptions.Checkpoints.Path (a file, or \":memory:\") in AddSwarm"
                : "approvals need checkpoints: SwarmOptions.EnableCheckpoints is false";
            Record(activity, "unavailable");
            Log.AutonomyNotApproved(_logger, run.Root.RunId, stepId, risk, "unavailable", interruptId);
            throw new StepFailureException(FailureCategory.Policy, $"Step '{stepId}' ({risk} risk) needs approval ({decision.Reason}) and did not run: {why}.");
        }

        Log.AutonomyApprovalRequired(_logger, run.Root.RunId, stepId, risk, interruptId, decision.Reason);
        SwarmInterrupt answer;
        try
        {
            answer = await _durable.WaitForAnswerAsync(
                run.Root.RunId,
                stepId,
                interruptId,
                decision.Question ?? RiskAutonomyGate.StandardQuestion(context),
                defaultAnswer: null,
                _options.Autonomy.ApprovalTimeout ?? _durable.Options.InterruptTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (StepInterruptedException)
        {
            Record(activity, "pending");
            Log.AutonomyPending(_logger, run.Root.RunId, stepId, risk, interruptId);
            throw;
        }

        if (answer.Status == InterruptStatus.Answered && DurableRuntime.IsYes(answer.Answer))
        {
            Record(activity, "approved");
            Log.AutonomyApproved(_logger, run.Root.RunId, stepId, risk, interruptId);
            return;
        }

        if (answer.Status == InterruptStatus.Expired)
        {
            Record(activity, "expired");
            Log.AutonomyNotApproved(_logger, run.Root.RunId, stepId, risk, "expired", interruptId);
            throw new StepFailureException(
                FailureCategory.Policy,
                string.Create(CultureInfo.InvariantCulture, $"Step '{stepId}' ({risk} risk) did not run: its approval '{interruptId}' expired unanswered at {answer.AnsweredAt ?? answer.ExpiresAt:O}, and no answer in time is a denial."));
        }

        Record(activity, "denied");
        Log.AutonomyNotApproved(_logger, run.Root.RunId, stepId, risk, "denied", interruptId);
        throw new StepFailureException(FailureCategory.Policy, $"Step '{stepId}' ({risk} risk) did not run: approval '{interruptId}' was denied (answer '{answer.Answer}'; only yes or approve runs it).");
    }

    private void Record(Activity? activity, string outcome)
    {
        _instruments.AutonomyApprovals.Add(1, new KeyValuePair<string, object?>(SwarmDiagnostics.AutonomyOutcomeTag, outcome));
        if (activity is not null)
        {
            activity.SetTag(SwarmDiagnostics.AutonomyOutcomeTag, outcome);
            activity.AddEvent(new ActivityEvent(SwarmDiagnostics.AutonomyDecisionEventName, tags: new ActivityTagsCollection { [SwarmDiagnostics.AutonomyOutcomeTag] = outcome }));
        }
    }
}
