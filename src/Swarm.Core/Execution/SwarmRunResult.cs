using System.Text.Json.Serialization;

namespace Swarm;

/// <summary>The outcome of a run: status, every step's record and output, the failures as they were, and the parallelism metrics.</summary>
public sealed class SwarmRunResult
{
    private SwarmRunMetrics? _metrics;

    /// <summary>Gets the run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the graph's id.</summary>
    public string GraphId { get; init; } = string.Empty;

    /// <summary>Gets how the run ended.</summary>
    public required SwarmRunStatus Status { get; init; }

    /// <summary>Gets a value indicating whether a failed step's router asked for a new plan.</summary>
    public bool ReplanRequested { get; init; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the measured wall time of the run.</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>Gets the record of every step, spawned children included, in completion order.</summary>
    public IReadOnlyList<StepRecord> Steps { get; init; } = [];

    /// <summary>Gets the final failure of every step that failed for good, each with its exception as thrown.</summary>
    public IReadOnlyList<StepFailure> Failures { get; init; } = [];

    /// <summary>Gets the parallelism metrics (Critical Steps), computed from <see cref="Steps"/> and <see cref="WallTime"/> when first read.</summary>
    public SwarmRunMetrics Metrics
    {
        get => _metrics ??= SwarmRunMetrics.Compute(Steps, WallTime);
        init => _metrics = value;
    }

    /// <summary>Gets a value indicating whether the run succeeded.</summary>
    [JsonIgnore]
    public bool Succeeded => Status == SwarmRunStatus.Succeeded;

    /// <summary>Gets the output of a succeeded step.</summary>
    /// <param name="stepId">The step's id.</param>
    /// <returns>The output, or <see langword="null"/> when the step has none or did not succeed.</returns>
    public string? GetOutput(string stepId)
    {
        foreach (var step in Steps)
        {
            if (string.Equals(step.StepId, stepId, StringComparison.Ordinal))
            {
                return step.Status == StepStatus.Succeeded ? step.Output : null;
            }
        }

        return null;
    }

    /// <summary>Gets the record of a step.</summary>
    /// <param name="stepId">The step's id.</param>
    /// <returns>The record, or <see langword="null"/> when the run has no such step.</returns>
    public StepRecord? GetStep(string stepId)
    {
        foreach (var step in Steps)
        {
            if (string.Equals(step.StepId, stepId, StringComparison.Ordinal))
            {
                return step;
            }
        }

        return null;
    }
}
