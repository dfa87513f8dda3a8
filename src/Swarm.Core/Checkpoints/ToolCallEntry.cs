namespace Swarm;

/// <summary>What the tool journal holds for one call of a non-idempotent tool.</summary>
/// <param name="Epoch">The id of the executor instance (process) that made the call.</param>
/// <param name="Finished">Whether the call's end was recorded.</param>
/// <param name="Result">The recorded result (JSON), when finished.</param>
internal sealed record ToolCallEntry(string Epoch, bool Finished, string? Result);
