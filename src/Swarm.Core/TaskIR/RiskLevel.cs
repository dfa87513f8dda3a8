namespace Swarm;

/// <summary>How risky a step's action is; autonomy gates use it to decide whether a step needs approval.</summary>
public enum RiskLevel
{
    /// <summary>Low risk: runs without approval.</summary>
    Low = 0,

    /// <summary>Medium risk.</summary>
    Medium,

    /// <summary>High risk: usually waits for approval.</summary>
    High,

    /// <summary>Critical risk: always waits for approval.</summary>
    Critical,
}
