namespace Swarm;

/// <summary>Where a <see cref="SwarmInterrupt"/> stands.</summary>
public enum InterruptStatus
{
    /// <summary>Waiting for an answer.</summary>
    Pending = 0,

    /// <summary>Answered; the step that asked gets the answer (it is never asked again).</summary>
    Answered,

    /// <summary>Expired unanswered (see <see cref="CheckpointOptions.InterruptTimeout"/>).</summary>
    Expired,
}
