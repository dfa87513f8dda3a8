using Microsoft.Extensions.Options;

namespace Swarm.Inference;

/// <summary>Validates <see cref="LlamaCppOptions"/> from its DataAnnotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class LlamaCppOptionsValidator : IValidateOptions<LlamaCppOptions>
{
}
