using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Validates <see cref="SwarmOptions"/> from its DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class SwarmOptionsValidator : IValidateOptions<SwarmOptions>
{
}
