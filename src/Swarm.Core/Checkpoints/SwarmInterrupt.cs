namespace Swarm;

/// <summary>A question a step asked while it runs (human in the loop); the step waits until the question is answered.</summary>
public sealed class SwarmInterrupt
{
    /// <summary>Gets the id of the run.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the interrupt's id, unique in its run (<c>stepId#n</c> for the n-th question of a step).</summary>
    public required string InterruptId { get; init; }

    /// <summary>Gets the id of the step that asked.</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the question.</summary>
    public required string Question { get; init; }

    /// <summary>Gets where the interrupt stands.</summary>
    public InterruptStatus Status { get; init; }

    /// <summary>Gets when the question was asked.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the question expires, or <see langword="null"/> when it does not.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the answer, once answered.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets when the answer was given.</summary>
    public DateTimeOffset? AnsweredAt { get; init; }
}
