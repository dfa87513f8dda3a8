namespace Swarm;

/// <summary>A deterministic quality gate that every artifact of a step must pass.</summary>
/// <remarks>Implementations must be thread-safe: one instance may evaluate many artifacts at once.</remarks>
public interface IGate
{
    /// <summary>Gets the gate's name, as steps list it in their <c>gates</c>.</summary>
    string Name { get; }

    /// <summary>Evaluates an artifact.</summary>
    /// <param name="context">The artifact and the workspace it lives in.</param>
    /// <param name="cancellationToken">Cancels the evaluation; a running tool process is killed.</param>
    /// <returns>The verdict, with diagnostics and a failure category when it fails.</returns>
    Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default);
}
