using System.Text.Json.Serialization;

namespace Swarm;

/// <summary>Why one attempt of a step failed: its category, the exception or gate verdict as it was, and where.</summary>
/// <remarks>An exception thrown by a step is kept as itself (<see cref="Exception"/>, <see cref="ExceptionType"/>, <see cref="Message"/>), never wrapped in an aggregate.</remarks>
public sealed class StepFailure
{
    /// <summary>Gets the id of the failed step (nested steps read <c>parent/child</c>).</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the 1-based attempt that failed.</summary>
    public required int Attempt { get; init; }

    /// <summary>Gets the role that made the attempt.</summary>
    public string? Role { get; init; }

    /// <summary>Gets the failure category that decides routing.</summary>
    public required FailureCategory Category { get; init; }

    /// <summary>Gets the failure's message (the exception's own message when an exception caused it).</summary>
    public required string Message { get; init; }

    /// <summary>Gets the full name of the exception's type, when an exception caused the failure.</summary>
    public string? ExceptionType { get; init; }

    /// <summary>Gets the exception's stack trace, when an exception caused the failure.</summary>
    public string? StackTrace { get; init; }

    /// <summary>Gets the name of the gate that rejected the output, when a gate caused the failure.</summary>
    public string? GateName { get; init; }

    /// <summary>Gets the structured diagnostics of the failure (gate findings, schema errors).</summary>
    public IReadOnlyList<GateDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Gets the exception that caused the failure, as thrown; not serialized.</summary>
    [JsonIgnore]
    public Exception? Exception { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        ExceptionType is null
            ? $"Step '{StepId}' attempt {Attempt} failed ({Category}): {Message}"
            : $"Step '{StepId}' attempt {Attempt} failed ({Category}): {ExceptionType}: {Message}";
}
