namespace Swarm;

/// <summary>How risky a step's action is; autonomy gates use it to decide whether a step needs approval.</summary>
public enum RiskLevel
{
    /// <summary>Low risk: runs without approval.</summary>
    Low = 0,

    /// <summary>Medium risk.</summary>
    Medium,

    /// <summary>High risk: waits for approval by default (<see cref="AutonomyOptions.ApprovalThreshold"/>).</summary>
    High,

    /// <summary>Critical risk: waits for approval by default, or never runs when <see cref="AutonomyOptions.DenyThreshold"/> says so.</summary>
    Critical,
}
