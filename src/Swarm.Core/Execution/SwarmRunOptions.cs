namespace Swarm;

/// <summary>Per-run settings of <see cref="ISwarmExecutor"/>.</summary>
public sealed class SwarmRunOptions
{
    /// <summary>Gets or sets the run's id, or <see langword="null"/> for a new one (or the resumed state's).</summary>
    public string? RunId { get; set; }

    /// <summary>Gets or sets the workspace directory of this run, or <see langword="null"/> for <see cref="SwarmOptions.WorkspaceDirectory"/>.</summary>
    public string? WorkspaceDirectory { get; set; }

    /// <summary>Gets or sets a checkpointed state to resume: its succeeded steps are not run again, their outputs are reused.</summary>
    public SwarmRunState? ResumeFrom { get; set; }
}
