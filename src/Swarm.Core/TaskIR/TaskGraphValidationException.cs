namespace Swarm;

/// <summary>Thrown when a task graph is invalid; lists every problem found, not just the first.</summary>
public sealed class TaskGraphValidationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TaskGraphValidationException"/> class.</summary>
    public TaskGraphValidationException()
        : this([])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaskGraphValidationException(string message)
        : base(message)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphValidationException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskGraphValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>Initializes a new instance of the <see cref="TaskGraphValidationException"/> class.</summary>
    /// <param name="problems">The problems found.</param>
    public TaskGraphValidationException(IReadOnlyList<TaskGraphProblem> problems)
        : base(BuildMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>Gets every problem found in the graph.</summary>
    public IReadOnlyList<TaskGraphProblem> Problems { get; }

    private static string BuildMessage(IReadOnlyList<TaskGraphProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            return "The task graph is invalid.";
        }

        var lines = new System.Text.StringBuilder();
        lines.Append("The task graph has ").Append(problems.Count).Append(problems.Count == 1 ? " problem:" : " problems:");
        foreach (var problem in problems)
        {
            lines.AppendLine().Append("  - ").Append(problem.Message);
        }

        return lines.ToString();
    }
}
