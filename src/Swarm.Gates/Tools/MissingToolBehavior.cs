namespace Swarm.Gates;

/// <summary>What a gate does when its tool is not installed.</summary>
public enum MissingToolBehavior
{
    /// <summary>The gate fails with <see cref="FailureCategory.Infra"/>, naming the tool and how to install it.</summary>
    Fail,

    /// <summary>The gate passes as skipped; <see cref="GateResult.SkippedReason"/> records why.</summary>
    Skip,
}
