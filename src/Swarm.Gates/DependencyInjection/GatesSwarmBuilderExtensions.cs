using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Swarm;
using Swarm.Gates;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Swarm.Gates to a Swarm host.</summary>
public static class GatesSwarmBuilderExtensions
{
    /// <summary>
    /// Adds the process runner, the <see cref="GatePipeline"/> and the gates <paramref name="configure"/> lists
    /// (<c>g.Add&lt;ShellCheckGate&gt;()</c>, <c>g.AddCommand("unit", ["dotnet", "test"])</c>); options are validated at start.
    /// </summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="configure">Lists the gates and sets the pipeline and process limits.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddGates(this ISwarmBuilder builder, Action<GateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        var registrations = new GateOptions();
        configure?.Invoke(registrations);
        registrations.Register(services);

        var options = services.AddOptionsWithValidateOnStart<GateOptions, GateOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GateOptions>, GateOptionsRulesValidator>());
        services.TryAddSingleton<IProcessRunner>(sp => new ProcessRunner(
            sp.GetRequiredService<IOptions<GateOptions>>().Value.Process,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<ProcessRunner>>()));
        services.TryAddSingleton(sp => new GatePipeline(
            sp.GetServices<IGate>(),
            sp.GetRequiredService<IOptions<GateOptions>>().Value.StopOnFirstFailure,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<GatePipeline>>()));
        return builder;
    }
}
