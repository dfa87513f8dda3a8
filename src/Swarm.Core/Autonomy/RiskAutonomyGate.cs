using System.Globalization;
using System.Text;

namespace Swarm;

/// <summary>The default <see cref="IAutonomyGate"/>: compares <see cref="TaskStep.Risk"/> with the thresholds of <see cref="AutonomyOptions"/>.</summary>
/// <remarks>Thread-safe; decides synchronously.</remarks>
internal sealed class RiskAutonomyGate(AutonomyOptions options) : IAutonomyGate
{
    private const int MaxQuotedLength = 400;

    public AutonomyOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Returns whether a step of this risk runs without a decision to record (neither threshold reached).</summary>
    public bool AllowsWithoutAsking(RiskLevel risk) =>
        (Options.DenyThreshold is not { } deny || risk < deny) && (Options.ApprovalThreshold is not { } approval || risk < approval);

    public ValueTask<AutonomyDecision> DecideAsync(AutonomyContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var risk = context.Step.Risk;
        if (Options.DenyThreshold is { } deny && risk >= deny)
        {
            return new(AutonomyDecision.Deny(string.Create(CultureInfo.InvariantCulture, $"{risk} risk is at or above SwarmOptions.Autonomy.DenyThreshold ({deny}); such steps never run")));
        }

        if (Options.ApprovalThreshold is { } approval && risk >= approval)
        {
            return new(AutonomyDecision.RequireApproval(
                string.Create(CultureInfo.InvariantCulture, $"{risk} risk is at or above SwarmOptions.Autonomy.ApprovalThreshold ({approval})"),
                StandardQuestion(context)));
        }

        return new(AutonomyDecision.Allow());
    }

    /// <summary>The standard approval question: the step, its risk, the role, and what it is about to do.</summary>
    public static string StandardQuestion(AutonomyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Step '{context.StepId}' ({step.Risk} risk, {step.Kind.ToString().ToLowerInvariant()} step, role '{context.Role}') is about to run");
        if (step.Tool is { Length: > 0 } tool)
        {
            text.Append(CultureInfo.InvariantCulture, $" {(step.Kind == StepKind.Procedure ? "procedure" : "tool")} '{tool}'");
            if (step.Args is { Count: > 0 } args)
            {
                text.Append(" with ");
                var first = true;
                foreach (var (key, value) in args.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? string.Empty : ", ").Append(key).Append('=').Append(Quote(value));
                    first = false;
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(step.Instruction))
        {
            text.Append(": ").Append(Quote(step.Instruction));
        }

        text.Append(". Approve? (yes/no)");
        return text.ToString();
    }

    private static string Quote(string? value) =>
        value is null ? "null" : value.Length <= MaxQuotedLength ? value : string.Concat(value.AsSpan(0, MaxQuotedLength), "…");
}
