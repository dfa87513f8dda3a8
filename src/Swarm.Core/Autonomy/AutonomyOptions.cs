namespace Swarm;

/// <summary>Options of the default <see cref="IAutonomyGate"/>: which risk levels need approval, which never run, and how long an approval waits.</summary>
/// <remarks>Set through <see cref="SwarmOptions.Autonomy"/>; validated at start. Not thread-safe; read once when the host builds the services.</remarks>
public sealed class AutonomyOptions
{
    /// <summary>Gets or sets the lowest <see cref="TaskStep.Risk"/> that waits for approval before it runs, or <see langword="null"/> to ask for no approval.</summary>
    /// <value>The default value is <see cref="RiskLevel.High"/>: high and critical steps run only when approved.</value>
    public RiskLevel? ApprovalThreshold { get; set; } = RiskLevel.High;

    /// <summary>Gets or sets the lowest <see cref="TaskStep.Risk"/> that never runs (denied without asking), or <see langword="null"/> to deny nothing.</summary>
    /// <value>The default value is <see langword="null"/>. Set <see cref="RiskLevel.Critical"/> so critical steps always fail with a <see cref="FailureCategory.Policy"/> failure.</value>
    /// <remarks>Denial wins over approval: a step at or above both thresholds is denied.</remarks>
    public RiskLevel? DenyThreshold { get; set; }

    /// <summary>Gets or sets how long an approval stays answerable; no answer in time denies the step. <see langword="null"/> uses <see cref="CheckpointOptions.InterruptTimeout"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>An expired approval always denies the step, whatever <see cref="CheckpointOptions.OnInterruptTimeout"/> says.</remarks>
    public TimeSpan? ApprovalTimeout { get; set; }
}
