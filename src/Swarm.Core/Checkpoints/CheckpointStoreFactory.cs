using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Creates the default <see cref="ICheckpointStore"/>: SQLite when <see cref="CheckpointOptions.Path"/> is set, in memory otherwise.</summary>
internal static class CheckpointStoreFactory
{
    public static ICheckpointStore Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<SwarmOptions>>().Value.Checkpoints;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        if (string.IsNullOrEmpty(options.Path))
        {
            return new InMemoryCheckpointStore(timeProvider);
        }

        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Swarm.Checkpoints");
        return SqliteCheckpointStore.Open(options, timeProvider, logger);
    }
}
