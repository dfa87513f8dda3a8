namespace Swarm;

/// <summary>A tool that <see cref="StepKind.Tool"/> steps (and step handlers) call by name.</summary>
/// <remarks>Implementations must be thread-safe: many steps call one tool at once, up to <see cref="SwarmOptions.MaxConcurrentToolCalls"/>.</remarks>
public interface ITool
{
    /// <summary>Gets the tool's name, as steps name it in <see cref="TaskStep.Tool"/>.</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether calling the tool twice with the same arguments is safe; a resumed run calls an interrupted idempotent tool again.</summary>
    bool IsIdempotent { get; }

    /// <summary>Calls the tool.</summary>
    /// <param name="invocation">The arguments, the inputs from the step's dependencies, and the workspace.</param>
    /// <param name="cancellationToken">Cancels the call (step timeout or run cancellation).</param>
    /// <returns>The result; a failed result carries a failure category for the failure router.</returns>
    ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default);
}
