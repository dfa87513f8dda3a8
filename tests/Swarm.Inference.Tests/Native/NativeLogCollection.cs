namespace Swarm.Inference.Tests.Native;

/// <summary>Tests of the process-wide native log: they run when no other test does (no model logging into it meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeLogCollection
{
    public const string Name = "Native log (not in parallel)";
}
