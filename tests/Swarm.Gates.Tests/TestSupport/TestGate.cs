namespace Swarm.Gates.Tests;

/// <summary>A scripted gate for pipeline tests.</summary>
public sealed class TestGate(string name, GateStage stage, Func<GateContext, CancellationToken, Task<GateResult>> evaluate) : IStagedGate
{
    public string Name { get; } = name;

    public GateStage Stage { get; } = stage;

    public int Calls;

    public static TestGate Passing(string name, GateStage stage) =>
        new(name, stage, (_, _) => Task.FromResult(new GateResult { GateName = name, Passed = true }));

    public static TestGate Failing(string name, GateStage stage, FailureCategory category) =>
        new(name, stage, (_, _) => Task.FromResult(new GateResult
        {
            GateName = name,
            Passed = false,
            Category = category,
            Diagnostics = [new GateDiagnostic(name + " failed")],
        }));

    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return evaluate(context, cancellationToken);
    }
}
