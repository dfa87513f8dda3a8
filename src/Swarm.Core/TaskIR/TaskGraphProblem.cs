namespace Swarm;

/// <summary>One problem found in a task graph.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence that names the problem and the steps involved.</param>
/// <param name="StepIds">The steps involved (for a cycle, the steps of the cycle in order); nested steps read <c>parent/child</c>.</param>
/// <param name="Name">The unknown name (dependency, role, tool or gate), if any.</param>
public sealed record TaskGraphProblem(TaskGraphProblemKind Kind, string Message, IReadOnlyList<string> StepIds, string? Name = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind}: {Message}";
}
