using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>The default failure router: applies <see cref="FailureRoutingOptions"/> to the failure's category and the step's history.</summary>
internal sealed class PolicyFailureRouter : IFailureRouter
{
    private readonly FailureRoutingOptions _options;

    public PolicyFailureRouter(IOptions<FailureRoutingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    public ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ValueTask<FailureDecision>(Decide(context));
    }

    internal static string BuildFeedback(StepFailure failure, bool includeDiagnostics)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Your previous attempt (attempt {failure.Attempt}{(failure.Role is null ? "" : $", as {failure.Role}")}) failed with a {failure.Category.ToString().ToUpperInvariant()} failure");
        if (failure.GateName is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" in gate '{failure.GateName}'");
        }

        text.Append(": ").Append(failure.Message);
        if (includeDiagnostics && failure.Diagnostics.Count > 0)
        {
            text.AppendLine().Append("Diagnostics:");
            foreach (var d in failure.Diagnostics)
            {
                text.AppendLine().Append("- ");
                if (d.File is not null)
                {
                    text.Append(d.File);
                    if (d.Line is { } line)
                    {
                        text.Append(CultureInfo.InvariantCulture, $":{line}");
                        if (d.Column is { } column)
                        {
                            text.Append(CultureInfo.InvariantCulture, $":{column}");
                        }
                    }

                    text.Append(": ");
                }

                text.Append(d.Severity.ToString().ToLowerInvariant());
                if (d.RuleId is not null)
                {
                    text.Append(" [").Append(d.RuleId).Append(']');
                }

                text.Append(": ").Append(d.Message);
            }
        }

        text.AppendLine().Append("Fix these problems and answer again.");
        return text.ToString();
    }

    private FailureDecision Decide(FailureRoutingContext context)
    {
        var failure = context.Failure;
        var category = failure.Category;
        var role = context.Role;
        if (!_options.Policies.TryGetValue(category, out var policy))
        {
            return FailureDecision.Fail($"no policy for {category} failures");
        }

        if (context.Step.MaxAttempts is { } maxAttempts && failure.Attempt >= maxAttempts)
        {
            return FailureDecision.Fail($"step used all {maxAttempts} attempts (maxAttempts)");
        }

        var sameRoleAndCategory = 0;
        foreach (var earlier in context.History)
        {
            if (earlier.Category == category && string.Equals(earlier.Role ?? context.Step.Role, role, StringComparison.Ordinal))
            {
                sameRoleAndCategory++;
            }
        }

        var retries = 0;
        foreach (var decision in context.Decisions)
        {
            if (decision.Action == FailureAction.Retry)
            {
                retries++;
            }
        }

        var feedback = BuildFeedback(failure, policy.IncludeDiagnostics);
        if (sameRoleAndCategory <= policy.MaxRetries)
        {
            if (retries < _options.MaxRetriesPerStep)
            {
                return FailureDecision.Retry(role, feedback, string.Create(CultureInfo.InvariantCulture, $"{category} failure {sameRoleAndCategory} of {policy.MaxRetries} allowed retries as '{role}': retry with the same role"));
            }

            if (!policy.Escalate)
            {
                return FailureDecision.Fail(string.Create(CultureInfo.InvariantCulture, $"step used all {_options.MaxRetriesPerStep} retries per step"));
            }
        }

        if (!policy.Escalate)
        {
            return FailureDecision.Fail(string.Create(CultureInfo.InvariantCulture, $"{category} failed {sameRoleAndCategory} times as '{role}'; policy allows {policy.MaxRetries} retries and no escalation"));
        }

        var next = NextRole(role);
        return next is null
            ? FailureDecision.Fail($"{category} failure as '{role}' and the escalation chain is exhausted")
            : FailureDecision.Escalate(next, feedback, string.Create(CultureInfo.InvariantCulture, $"{category} failure as '{role}' after {sameRoleAndCategory - 1} retries: escalate to '{next}'"));
    }

    private string? NextRole(string role)
    {
        var chain = _options.EscalationChain;
        var index = chain.IndexOf(role);
        if (index < 0)
        {
            // A role outside the chain escalates to the chain's first role (or, if that is the role, its second).
            return chain.Count > 0 && !string.Equals(chain[0], role, StringComparison.Ordinal) ? chain[0] : null;
        }

        return index + 1 < chain.Count ? chain[index + 1] : null;
    }
}
