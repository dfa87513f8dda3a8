using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Checks the rules DataAnnotations cannot express: chain entries, duplicates, per-category values.</summary>
internal sealed class FailureRoutingOptionsRulesValidator : IValidateOptions<FailureRoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, FailureRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.EscalationChain is { Count: 0 })
        {
            failures.Add("FailureRoutingOptions.EscalationChain is empty; it needs at least one role.");
        }

        if (options.EscalationChain is { } chain)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var role in chain)
            {
                if (string.IsNullOrWhiteSpace(role))
                {
                    failures.Add("FailureRoutingOptions.EscalationChain contains an empty role name.");
                }
                else if (!seen.Add(role))
                {
                    failures.Add($"FailureRoutingOptions.EscalationChain names role '{role}' more than once.");
                }
            }
        }

        if (options.Policies is { } policies)
        {
            foreach (var (category, policy) in policies)
            {
                if (category == FailureCategory.None)
                {
                    failures.Add("FailureRoutingOptions.Policies has a policy for FailureCategory.None, which is not a failure.");
                }

                if (policy is null)
                {
                    failures.Add($"FailureRoutingOptions.Policies[{category}] is null.");
                }
                else if (policy.MaxRetries is < 0 or > 100)
                {
                    failures.Add($"FailureRoutingOptions.Policies[{category}].MaxRetries is {policy.MaxRetries}; it must be between 0 and 100.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
