using Microsoft.Extensions.Options;

namespace Swarm.Gates;

/// <summary>Validates the rules of <see cref="GateOptions"/> that attributes cannot express (timeouts, patterns, gate settings).</summary>
internal sealed class GateOptionsRulesValidator : IValidateOptions<GateOptions>
{
    public ValidateOptionsResult Validate(string? name, GateOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
