using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
    /// <remarks>
    /// Registers with <c>TryAdd*</c>: the executor (<see cref="ISwarmExecutor"/>), failure router (<see cref="IFailureRouter"/>),
    /// role router (<see cref="IRoleRouter"/>, a <see cref="RuleRouter"/>), autonomy gate (<see cref="IAutonomyGate"/>, applying
    /// <see cref="SwarmOptions.Autonomy"/>), checkpoint store (<see cref="ICheckpointStore"/>, in memory),
    /// the step handlers for LLM, tool and graph steps (<c>TryAddEnumerable</c>), and <see cref="TimeProvider.System"/>; a host
    /// replaces any of them by registering its own first. <see cref="SwarmOptions"/>, <see cref="FailureRoutingOptions"/> and
    /// <see cref="RuleRouterOptions"/> are validated when the host starts.
    /// </remarks>
    public static ISwarmBuilder AddSwarm(this IServiceCollection services, Action<SwarmOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        var builder = new SwarmBuilder(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(SwarmMarkerService))
            {
                return builder;
            }
        }

        services.AddSingleton<SwarmMarkerService>();
        services.AddOptionsWithValidateOnStart<SwarmOptions, SwarmOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwarmOptions>, SwarmOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwarmOptions>, CheckpointOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwarmOptions>, AutonomyOptionsRulesValidator>());
        services.AddOptionsWithValidateOnStart<FailureRoutingOptions, FailureRoutingOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FailureRoutingOptions>, FailureRoutingOptionsRulesValidator>());
        services.AddOptionsWithValidateOnStart<RuleRouterOptions, RuleRouterOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SwarmInstruments(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ISwarmExecutor>(sp => new SwarmExecutor(
            sp,
            sp.GetRequiredService<IOptions<SwarmOptions>>(),
            sp.GetRequiredService<IFailureRouter>(),
            sp.GetRequiredService<IRoleRouter>(),
            sp.GetRequiredService<ICheckpointStore>(),
            sp.GetServices<IStepHandler>(),
            sp.GetServices<ITool>(),
            sp.GetServices<IGate>(),
            sp.GetRequiredService<TimeProvider>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<SwarmExecutor>(),
            sp.GetRequiredService<SwarmInstruments>()));
        services.TryAddSingleton<IFailureRouter, PolicyFailureRouter>();
        services.TryAddSingleton<IRoleRouter, RuleRouter>();
        services.TryAddSingleton<IAutonomyGate>(sp => new RiskAutonomyGate(sp.GetRequiredService<IOptions<SwarmOptions>>().Value.Autonomy));
        services.TryAddSingleton<ICheckpointStore>(CheckpointStoreFactory.Create);
        services.TryAddSingleton(sp => new DurableRuntime(sp.GetRequiredService<ICheckpointStore>(), sp.GetRequiredService<IOptions<SwarmOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ISwarmRunManager>(sp => new SwarmRunManager(sp.GetRequiredService<ISwarmExecutor>(), sp.GetRequiredService<DurableRuntime>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStepHandler, LlmStepHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStepHandler, ToolStepHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStepHandler, GraphStepHandler>());
        return builder;
    }
}
