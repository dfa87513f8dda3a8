using Microsoft.Extensions.Options;

namespace Swarm.Gates;

/// <summary>Validates <see cref="GateOptions"/> at start: DataAnnotations (source-generated) plus the cross-field rules.</summary>
[OptionsValidator]
internal sealed partial class GateOptionsValidator : IValidateOptions<GateOptions>
{
}
