using Microsoft.Extensions.DependencyInjection;

namespace Swarm;

internal sealed class SwarmBuilder(IServiceCollection services) : ISwarmBuilder
{
    public IServiceCollection Services { get; } = services;
}
