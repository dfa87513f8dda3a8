namespace Swarm;

/// <summary>The verdict of one gate on one artifact.</summary>
public sealed class GateResult
{
    /// <summary>Gets the name of the gate that produced this result.</summary>
    public required string GateName { get; init; }

    /// <summary>Gets a value indicating whether the artifact passed.</summary>
    public required bool Passed { get; init; }

    /// <summary>Gets the failure category; <see cref="FailureCategory.None"/> when the gate passed.</summary>
    public FailureCategory Category { get; init; }

    /// <summary>Gets the diagnostics the tool reported.</summary>
    public IReadOnlyList<GateDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Gets a one-line summary of the verdict.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets the raw tool output, kept when it could not be parsed or the gate failed.</summary>
    public string? RawOutput { get; init; }

    /// <summary>Gets the reason the gate was skipped, or <see langword="null"/> if it ran.</summary>
    public string? SkippedReason { get; init; }

    /// <summary>Gets how long the gate took.</summary>
    public TimeSpan Duration { get; init; }
}
