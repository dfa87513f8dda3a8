using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Checks the rules of <see cref="SwarmOptions"/> that DataAnnotations cannot express.</summary>
internal sealed class SwarmOptionsRulesValidator : IValidateOptions<SwarmOptions>
{
    public ValidateOptionsResult Validate(string? name, SwarmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.DefaultStepTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"SwarmOptions.DefaultStepTimeout is {timeout}; it must be positive or null.");
        }

        if (options.Roles is null)
        {
            failures.Add("SwarmOptions.Roles is null.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var role in options.Roles)
            {
                if (role is null)
                {
                    failures.Add("SwarmOptions.Roles contains null.");
                }
                else if (!string.IsNullOrWhiteSpace(role.Name) && !seen.Add(role.Name))
                {
                    failures.Add($"SwarmOptions.Roles names role '{role.Name}' more than once.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
