namespace Swarm.Gates;

/// <summary>Settings of one built-in tool gate.</summary>
public sealed class GateToolOptions
{
    /// <summary>Gets or sets the tool's executable (a path or a name on PATH); <see langword="null"/> uses the gate's default.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Executable { get; set; }

    /// <summary>Gets or sets how long the tool may run before its process tree is killed (a <see cref="FailureCategory.Timeout"/> result).</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets what happens when the tool is not installed.</summary>
    /// <value>The default value is <see cref="MissingToolBehavior.Fail"/>.</value>
    public MissingToolBehavior OnMissingTool { get; set; }

    /// <summary>Gets extra arguments passed to the tool before the files (for example <c>-i</c>, <c>2</c> for shfmt).</summary>
    public IList<string> ExtraArguments { get; } = [];

    /// <summary>Gets the file extensions (with the dot) the gate checks among the artifact's files; empty uses the gate's defaults.</summary>
    public IList<string> FileExtensions { get; } = [];

    /// <summary>Checks the settings; returns the first problem, or <see langword="null"/>.</summary>
    internal string? Validate(string gateName)
    {
        if (Timeout <= TimeSpan.Zero)
        {
            return $"Gate '{gateName}': Timeout must be positive (was {Timeout}).";
        }

        if (Executable is not null && string.IsNullOrWhiteSpace(Executable))
        {
            return $"Gate '{gateName}': Executable must not be blank.";
        }

        return Enum.IsDefined(OnMissingTool) ? null : $"Gate '{gateName}': unknown MissingToolBehavior {OnMissingTool}.";
    }
}
