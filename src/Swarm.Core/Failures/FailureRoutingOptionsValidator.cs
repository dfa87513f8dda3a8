using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Validates <see cref="FailureRoutingOptions"/> from its DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class FailureRoutingOptionsValidator : IValidateOptions<FailureRoutingOptions>
{
}
