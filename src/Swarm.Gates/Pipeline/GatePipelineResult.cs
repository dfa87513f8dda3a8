namespace Swarm.Gates;

/// <summary>The verdict of a gate pipeline on one artifact: every gate that ran, in stage order, and the first failure.</summary>
public sealed class GatePipelineResult
{
    /// <summary>Gets the id of the step whose artifact was evaluated.</summary>
    public required string StepId { get; init; }

    /// <summary>Gets the results of the gates that ran, in stage order.</summary>
    public required IReadOnlyList<GateResult> Results { get; init; }

    /// <summary>Gets the names of the gates that did not run because an earlier stage failed.</summary>
    public IReadOnlyList<string> NotRun { get; init; } = [];

    /// <summary>Gets a value indicating whether every gate passed.</summary>
    public bool Passed => FirstFailure is null;

    /// <summary>Gets the first failed result in stage order, or <see langword="null"/>.</summary>
    public GateResult? FirstFailure => Results.FirstOrDefault(r => !r.Passed);

    /// <summary>Gets the category of the first failure; <see cref="FailureCategory.None"/> when every gate passed.</summary>
    public FailureCategory Category => FirstFailure?.Category ?? FailureCategory.None;

    /// <summary>Gets the diagnostics of every failed gate, in stage order.</summary>
    public IReadOnlyList<GateDiagnostic> Diagnostics => [.. Results.Where(r => !r.Passed).SelectMany(r => r.Diagnostics)];

    /// <summary>Gets how long the pipeline took.</summary>
    public TimeSpan Duration { get; init; }
}
