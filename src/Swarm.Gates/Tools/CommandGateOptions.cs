namespace Swarm.Gates;

/// <summary>Settings of a <see cref="CommandGate"/>: the test command to run and how its failure is categorized.</summary>
public sealed class CommandGateOptions
{
    /// <summary>Gets or sets the gate's name (for example <c>unit</c> or <c>integration</c>).</summary>
    /// <value>The default value is <c>unit</c>.</value>
    public string Name { get; set; } = "unit";

    /// <summary>Gets the command as an argument vector: the executable, then its arguments (never a shell string).</summary>
    public IList<string> Command { get; } = [];

    /// <summary>Gets or sets the pipeline stage.</summary>
    /// <value>The default value is <see cref="GateStage.Unit"/>.</value>
    public GateStage Stage { get; set; } = GateStage.Unit;

    /// <summary>Gets or sets the category of a non-zero exit: <see cref="FailureCategory.Code"/> or <see cref="FailureCategory.Logic"/>.</summary>
    /// <value>The default value is <see cref="FailureCategory.Logic"/> (the tests ran and the artifact does the wrong thing).</value>
    public FailureCategory FailureCategory { get; set; } = FailureCategory.Logic;

    /// <summary>Gets or sets the working directory, relative to the workspace; <see langword="null"/> is the workspace.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets or sets how long the command may run before its process tree is killed.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets what happens when the command's executable is not installed.</summary>
    /// <value>The default value is <see cref="MissingToolBehavior.Fail"/>.</value>
    public MissingToolBehavior OnMissingTool { get; set; }

    /// <summary>Gets or sets how to install the command's executable, quoted in the result when it is missing.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? InstallHint { get; set; }

    /// <summary>Checks the settings; returns the first problem, or <see langword="null"/>.</summary>
    internal string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return "CommandGateOptions.Name must not be empty.";
        }

        if (Command.Count == 0 || string.IsNullOrWhiteSpace(Command[0]))
        {
            return $"Command gate '{Name}': Command must name an executable.";
        }

        if (FailureCategory is not (FailureCategory.Code or FailureCategory.Logic))
        {
            return $"Command gate '{Name}': FailureCategory must be Code or Logic (was {FailureCategory}).";
        }

        if (!Enum.IsDefined(Stage))
        {
            return $"Command gate '{Name}': unknown stage {Stage}.";
        }

        return Timeout <= TimeSpan.Zero ? $"Command gate '{Name}': Timeout must be positive (was {Timeout})." : null;
    }
}
