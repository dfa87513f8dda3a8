namespace Swarm;

/// <summary>One finding of a gate: where it is, which rule, how severe, and what it says.</summary>
/// <param name="Message">The tool's message.</param>
public sealed record GateDiagnostic(string Message)
{
    /// <summary>Gets the file the finding is in, relative to the workspace, if any.</summary>
    public string? File { get; init; }

    /// <summary>Gets the 1-based line, if known.</summary>
    public int? Line { get; init; }

    /// <summary>Gets the 1-based column, if known.</summary>
    public int? Column { get; init; }

    /// <summary>Gets the tool's rule id (for example <c>SC2086</c>), if any.</summary>
    public string? RuleId { get; init; }

    /// <summary>Gets the severity of the finding.</summary>
    public GateSeverity Severity { get; init; } = GateSeverity.Error;
}
