using Microsoft.Extensions.DependencyInjection;

namespace Swarm.Core.Tests;

/// <summary>A Swarm host over a SQLite checkpoint file; a new host on the same file is a process restart.</summary>
public static class DurableHost
{
    public static SwarmHost Create(string path, Action<IServiceCollection>? services = null, Action<SwarmOptions>? options = null, TimeProvider? timeProvider = null, Action<ISwarmBuilder>? swarm = null) =>
        new(
            services,
            o =>
            {
                o.Checkpoints.Path = path;
                options?.Invoke(o);
            },
            timeProvider,
            swarm);

    public static ISwarmRunManager Manager(this SwarmHost host) => host.Services.GetRequiredService<ISwarmRunManager>();
}
