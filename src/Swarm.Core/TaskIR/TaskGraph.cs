namespace Swarm;

/// <summary>A run's plan: a goal broken into steps that depend on each other (the TaskIR).</summary>
/// <remarks>A plain data object, serialized with <see cref="TaskGraphSerializer"/> and checked by <see cref="TaskGraphValidator"/>.</remarks>
public sealed class TaskGraph
{
    /// <summary>Gets or sets the graph's id.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the goal the graph achieves.</summary>
    public string Goal { get; set; } = string.Empty;

    /// <summary>Gets or sets the steps; their order does not matter, dependencies do.</summary>
    public IList<TaskStep> Steps { get; set; } = [];

    /// <summary>Gets or sets the run's limits, or <see langword="null"/> for none.</summary>
    public TaskBudget? Budget { get; set; }
}
