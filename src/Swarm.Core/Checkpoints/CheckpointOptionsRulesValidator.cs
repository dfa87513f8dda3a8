using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Checks the rules of <see cref="CheckpointOptions"/> that DataAnnotations cannot express.</summary>
internal sealed class CheckpointOptionsRulesValidator : IValidateOptions<SwarmOptions>
{
    public ValidateOptionsResult Validate(string? name, SwarmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checkpoints = options.Checkpoints;
        if (checkpoints is null)
        {
            return ValidateOptionsResult.Fail("SwarmOptions.Checkpoints is null.");
        }

        var failures = new List<string>();
        if (checkpoints.InterruptWait < TimeSpan.Zero)
        {
            failures.Add($"SwarmOptions.Checkpoints.InterruptWait is {checkpoints.InterruptWait}; it must not be negative.");
        }

        if (checkpoints.CommitDelay < TimeSpan.Zero || checkpoints.CommitDelay > TimeSpan.FromSeconds(10))
        {
            failures.Add($"SwarmOptions.Checkpoints.CommitDelay is {checkpoints.CommitDelay}; it must be between zero and ten seconds.");
        }

        if (checkpoints.InterruptTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"SwarmOptions.Checkpoints.InterruptTimeout is {timeout}; it must be positive or null.");
        }

        if (checkpoints.Path is { Length: > 0 } path && path != ":memory:" && path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"SwarmOptions.Checkpoints.Path '{path}' is not a valid path.");
        }

        if (!Enum.IsDefined(checkpoints.InFlightNonIdempotentTools))
        {
            failures.Add($"SwarmOptions.Checkpoints.InFlightNonIdempotentTools is {checkpoints.InFlightNonIdempotentTools}, not a defined policy.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
