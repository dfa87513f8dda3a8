namespace Swarm;

/// <summary>Told when a write queued through <see cref="IOrderedCheckpointQueue"/> is durable (or failed).</summary>
internal interface ICheckpointCallback
{
    /// <summary>Called once per queued write, on the store's writer, in queue order; must be quick and must not throw.</summary>
    /// <param name="token">The token given when the write was queued.</param>
    /// <param name="fault">The write's fault, or <see langword="null"/> when it is durable.</param>
    void OnCheckpointed(object? token, Exception? fault);
}
