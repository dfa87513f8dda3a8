using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Validates <see cref="RuleRouterOptions"/> from its DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RuleRouterOptionsValidator : IValidateOptions<RuleRouterOptions>
{
}
