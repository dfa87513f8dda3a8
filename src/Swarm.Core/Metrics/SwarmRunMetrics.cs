using System.Globalization;
using System.Text;

namespace Swarm;

/// <summary>How parallel a run was: total and critical steps (the Critical Steps metric), the same in measured time, and warning flags.</summary>
/// <remarks>
/// CriticalSteps = Σ_t ( S_main(t) + max_i S_sub,i(t) ): for a DAG, the longest dependency chain with each step weighted by
/// its step count — 1 for a plain step, 1 plus the critical steps of its spawned children for a parent, and the nested
/// run's critical steps for a graph step (a sub-agent). Times are measured durations, never nominal ones.
/// </remarks>
public sealed class SwarmRunMetrics
{
    /// <summary>Gets the number of steps that ran, children and nested-graph steps included.</summary>
    public int TotalSteps { get; init; }

    /// <summary>Gets the Critical Steps: the longest dependency chain weighted by step counts.</summary>
    public int CriticalSteps { get; init; }

    /// <summary>Gets <see cref="TotalSteps"/> / <see cref="CriticalSteps"/>: how many steps ran per critical step.</summary>
    public double Parallelism { get; init; }

    /// <summary>Gets the number of sub-agent steps: spawned children and the steps of nested graphs.</summary>
    public int SubAgentSteps { get; init; }

    /// <summary>Gets the sum of the measured step durations: the wall time a strictly sequential run would take.</summary>
    public TimeSpan SequentialTime { get; init; }

    /// <summary>Gets the longest dependency chain weighted by measured durations: the shortest wall time any schedule could reach.</summary>
    public TimeSpan CriticalPathTime { get; init; }

    /// <summary>Gets the measured wall time of the run.</summary>
    public TimeSpan WallTime { get; init; }

    /// <summary>Gets <see cref="SequentialTime"/> / <see cref="WallTime"/>: the speed-up over a sequential run.</summary>
    public double TimeParallelism { get; init; }

    /// <summary>Gets <see cref="CriticalPathTime"/> / <see cref="WallTime"/>: 1 means the schedule reached the critical path.</summary>
    public double SchedulingEfficiency { get; init; }

    /// <summary>Gets the most steps observed running at once.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Gets the steps of the critical path (by measured time), in order.</summary>
    public IReadOnlyList<string> CriticalPath { get; init; } = [];

    /// <summary>Gets a value indicating whether the graph allowed parallelism but the run executed it serially.</summary>
    public bool SerialCollapse { get; init; }

    /// <summary>Gets a value indicating whether sub-agents ran whose output nothing consumed or that did not shorten the critical path.</summary>
    public bool FakeParallelism { get; init; }

    /// <summary>Gets the steps behind <see cref="FakeParallelism"/>.</summary>
    public IReadOnlyList<string> FakeParallelSteps { get; init; } = [];

    /// <summary>Gets sentences that explain the flags.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Computes the metrics of a run from its step records.</summary>
    /// <param name="steps">The records of the run's steps.</param>
    /// <param name="wallTime">The run's measured wall time.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="steps"/> is <see langword="null"/>.</exception>
    public static SwarmRunMetrics Compute(IReadOnlyList<StepRecord> steps, TimeSpan wallTime) => MetricsCalculator.Compute(steps, wallTime);

    /// <summary>Formats the metrics as a short text report (the Critical Steps report).</summary>
    /// <returns>The report.</returns>
    public string ToReport()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Steps: {TotalSteps} total, {CriticalSteps} critical -> parallelism {Parallelism:F2} ({SubAgentSteps} sub-agent steps)");
        text.AppendLine(c, $"Time:  {SequentialTime.TotalSeconds:F3} s sequential, {CriticalPathTime.TotalSeconds:F3} s critical path, {WallTime.TotalSeconds:F3} s wall");
        var saved = SequentialTime > TimeSpan.Zero ? 1 - (WallTime / SequentialTime) : 0;
        text.AppendLine(c, $"       speed-up {TimeParallelism:F2}x ({saved:P0} less than sequential), scheduling efficiency {SchedulingEfficiency:P1}, max concurrency {MaxConcurrency}");
        text.AppendLine(c, $"Critical path: {string.Join(" -> ", CriticalPath)}");
        text.Append(c, $"Serial collapse: {(SerialCollapse ? "YES" : "no")}; fake parallelism: {(FakeParallelism ? "YES (" + string.Join(", ", FakeParallelSteps) + ")" : "no")}");
        foreach (var note in Notes)
        {
            text.AppendLine().Append("  note: ").Append(note);
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TotalSteps} steps, {CriticalSteps} critical, parallelism {Parallelism:F2}, wall {WallTime.TotalSeconds:F3} s, critical path {CriticalPathTime.TotalSeconds:F3} s");
}
