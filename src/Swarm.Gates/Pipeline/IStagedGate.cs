namespace Swarm.Gates;

/// <summary>A gate that declares its stage in the pipeline; other gates run at <see cref="GateStage.Custom"/>.</summary>
public interface IStagedGate : IGate
{
    /// <summary>Gets the stage the gate runs at.</summary>
    GateStage Stage { get; }
}
