using Swarm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Swarm to a service collection.</summary>
public static class SwarmServiceCollectionExtensions
{
    /// <summary>Adds the Swarm core services; a second call only applies <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="SwarmOptions"/>.</param>
    /// <returns>A builder the other Swarm packages extend.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddSwarm(this IServiceCollection services, Action<SwarmOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new SwarmBuilder(services);
    }
}
