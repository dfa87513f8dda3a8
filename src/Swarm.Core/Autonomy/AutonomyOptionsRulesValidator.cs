using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Checks <see cref="SwarmOptions.Autonomy"/>: thresholds must be defined risk levels, the approval timeout positive.</summary>
internal sealed class AutonomyOptionsRulesValidator : IValidateOptions<SwarmOptions>
{
    public ValidateOptionsResult Validate(string? name, SwarmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var autonomy = options.Autonomy;
        if (autonomy is null)
        {
            return ValidateOptionsResult.Fail("SwarmOptions.Autonomy is null.");
        }

        var failures = new List<string>();
        if (autonomy.ApprovalThreshold is { } approval && !Enum.IsDefined(approval))
        {
            failures.Add($"SwarmOptions.Autonomy.ApprovalThreshold is {(int)approval}, not a risk level; use Low, Medium, High or Critical (or null to ask for no approval).");
        }

        if (autonomy.DenyThreshold is { } deny && !Enum.IsDefined(deny))
        {
            failures.Add($"SwarmOptions.Autonomy.DenyThreshold is {(int)deny}, not a risk level; use Low, Medium, High or Critical (or null to deny nothing).");
        }

        if (autonomy.ApprovalTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"SwarmOptions.Autonomy.ApprovalTimeout is {timeout}; it must be positive or null.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
