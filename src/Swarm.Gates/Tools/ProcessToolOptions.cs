namespace Swarm.Gates;

/// <summary>Options of a <see cref="ProcessTool"/>: the command a tool step runs, and how its outcome is read.</summary>
public sealed class ProcessToolOptions
{
    /// <summary>Gets or sets the tool's name, as steps name it in <c>tool</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets the command as an argv list: the executable, then its arguments.</summary>
    /// <remarks>
    /// An element may hold placeholders <c>{name}</c>, replaced by the step's argument of that name. A value always stays
    /// inside its one argv element: no shell ever sees it, so file names and model output cannot inject commands.
    /// </remarks>
    public IList<string> Command { get; } = [];

    /// <summary>Gets or sets the name of the step argument whose value is written to the tool's standard input, if any.</summary>
    public string? StandardInputArgument { get; set; }

    /// <summary>Gets or sets a value indicating whether running the tool twice has the effect of running it once.</summary>
    /// <value>The default value is <see langword="false"/>: a crashed run does not re-run it silently.</value>
    public bool IsIdempotent { get; set; }

    /// <summary>Gets or sets the time after which the tool's process tree is killed (a TIMEOUT failure).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the category of a non-zero exit code.</summary>
    /// <value>The default value is <see cref="FailureCategory.Code"/>.</value>
    public FailureCategory FailureCategory { get; set; } = FailureCategory.Code;

    /// <summary>Gets or sets the working directory, relative to the run's workspace; <see langword="null"/> for the workspace itself.</summary>
    public string? WorkingDirectory { get; set; }

    internal string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return "ProcessToolOptions.Name must not be empty.";
        }

        if (Command.Count == 0 || string.IsNullOrWhiteSpace(Command[0]))
        {
            return $"Process tool '{Name}': Command must name an executable.";
        }

        if (FailureCategory is FailureCategory.None)
        {
            return $"Process tool '{Name}': FailureCategory must name a failure (was None).";
        }

        return Timeout <= TimeSpan.Zero ? $"Process tool '{Name}': Timeout must be positive (was {Timeout})." : null;
    }
}
