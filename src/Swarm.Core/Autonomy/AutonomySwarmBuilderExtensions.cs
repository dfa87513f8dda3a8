using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Swarm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures and replaces the autonomy gate that decides whether a step may run, must be approved, or is denied.</summary>
public static class AutonomySwarmBuilderExtensions
{
    /// <summary>Configures the default autonomy gate (<see cref="SwarmOptions.Autonomy"/>): approval and deny thresholds, approval timeout.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="configure">Configures <see cref="AutonomyOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder ConfigureAutonomy(this ISwarmBuilder builder, Action<AutonomyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<SwarmOptions>(o => configure(o.Autonomy));
        return builder;
    }

    /// <summary>Replaces the autonomy gate (the default or one registered earlier) with <typeparamref name="TGate"/>, a singleton.</summary>
    /// <typeparam name="TGate">The gate's type.</typeparam>
    /// <param name="builder">The Swarm builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISwarmBuilder UseAutonomyGate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TGate>(this ISwarmBuilder builder)
        where TGate : class, IAutonomyGate
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IAutonomyGate>();
        builder.Services.AddSingleton<IAutonomyGate, TGate>();
        return builder;
    }

    /// <summary>Replaces the autonomy gate (the default or one registered earlier) with <paramref name="gate"/>.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="gate">The gate.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder UseAutonomyGate(this ISwarmBuilder builder, IAutonomyGate gate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(gate);
        builder.Services.RemoveAll<IAutonomyGate>();
        builder.Services.AddSingleton(gate);
        return builder;
    }

    /// <summary>Wraps the registered autonomy gate (the default or the host's) in a layer that may consult it, for example to add a policy on top of the risk thresholds.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="layer">Builds the new gate from the inner one.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No autonomy gate is registered (call <c>AddSwarm()</c> first).</exception>
    public static ISwarmBuilder UseAutonomyGate(this ISwarmBuilder builder, Func<IAutonomyGate, IServiceProvider, IAutonomyGate> layer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(layer);
        var services = builder.Services;
        ServiceDescriptor? inner = null;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IAutonomyGate) && !services[i].IsKeyedService)
            {
                inner = services[i];
                services.RemoveAt(i);
                break;
            }
        }

        if (inner is null)
        {
            throw new InvalidOperationException("No IAutonomyGate is registered: call AddSwarm() before UseAutonomyGate().");
        }

        services.RemoveAll<IAutonomyGate>();
        services.AddSingleton(sp => layer(Resolve(inner, sp), sp));
        return builder;
    }

    private static IAutonomyGate Resolve(ServiceDescriptor descriptor, IServiceProvider services)
    {
        if (descriptor.ImplementationInstance is IAutonomyGate instance)
        {
            return instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return (IAutonomyGate)factory(services);
        }

        return (IAutonomyGate)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
    }
}
