namespace Swarm;

/// <summary>The result of a tool call.</summary>
public sealed class ToolResult
{
    private static readonly ToolResult EmptySuccess = new() { Succeeded = true };

    /// <summary>Gets a value indicating whether the call succeeded.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Gets the tool's output (for example a process's standard output).</summary>
    public string? Output { get; init; }

    /// <summary>Gets the files the call produced, relative to the workspace.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the failure category when the call failed.</summary>
    public FailureCategory Category { get; init; }

    /// <summary>Gets a one-line description of the failure when the call failed.</summary>
    public string? Error { get; init; }

    /// <summary>Gets structured diagnostics of a failed call.</summary>
    public IReadOnlyList<GateDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>Creates a successful result.</summary>
    /// <param name="output">The output, if any.</param>
    /// <returns>The result.</returns>
    public static ToolResult Success(string? output = null) => output is null ? EmptySuccess : new() { Succeeded = true, Output = output };

    /// <summary>Creates a failed result.</summary>
    /// <param name="category">The failure category.</param>
    /// <param name="error">What went wrong.</param>
    /// <param name="diagnostics">Structured diagnostics, if any.</param>
    /// <returns>The result.</returns>
    public static ToolResult Failure(FailureCategory category, string error, IReadOnlyList<GateDiagnostic>? diagnostics = null) =>
        new() { Succeeded = false, Category = category, Error = error, Diagnostics = diagnostics ?? [] };
}
