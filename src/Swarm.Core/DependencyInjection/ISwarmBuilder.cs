using Microsoft.Extensions.DependencyInjection;

namespace Swarm;

/// <summary>Configures the services of a Swarm host; each Swarm package adds extension methods on it.</summary>
/// <remarks>Returned by <see cref="SwarmServiceCollectionExtensions.AddSwarm"/>. Not thread-safe: configure it during start-up.</remarks>
public interface ISwarmBuilder
{
    /// <summary>Gets the service collection the Swarm services are registered in.</summary>
    IServiceCollection Services { get; }
}
