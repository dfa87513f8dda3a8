using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Swarm;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the Swarm core services through <see cref="ISwarmBuilder"/>.</summary>
public static class SwarmBuilderExtensions
{
    /// <summary>Configures the default failure router's policy.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="configure">Configures <see cref="FailureRoutingOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder ConfigureFailureRouting(this ISwarmBuilder builder, Action<FailureRoutingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Configures the rule router's task type → role table.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="configure">Configures <see cref="RuleRouterOptions"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder ConfigureRoleRouting(this ISwarmBuilder builder, Action<RuleRouterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers a tool that tool steps can call.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="tool">The tool.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddTool(this ISwarmBuilder builder, ITool tool)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tool);
        builder.Services.AddSingleton(tool);
        return builder;
    }

    /// <summary>Registers a tool type that tool steps can call.</summary>
    /// <typeparam name="TTool">The tool's type.</typeparam>
    /// <param name="builder">The Swarm builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddTool<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTool>(this ISwarmBuilder builder)
        where TTool : class, ITool
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITool, TTool>());
        return builder;
    }

    /// <summary>Registers a step handler; it replaces the default handler of its kind.</summary>
    /// <typeparam name="THandler">The handler's type.</typeparam>
    /// <param name="builder">The Swarm builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISwarmBuilder AddStepHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this ISwarmBuilder builder)
        where THandler : class, IStepHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStepHandler, THandler>());
        return builder;
    }

    /// <summary>Wraps the registered failure router (the default or the host's) in a layer, for example a <see cref="DelegatingFailureRouter"/>.</summary>
    /// <param name="builder">The Swarm builder.</param>
    /// <param name="layer">Wraps the inner router.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No failure router is registered (call <c>AddSwarm()</c> first).</exception>
    public static ISwarmBuilder UseFailureRouter(this ISwarmBuilder builder, Func<IFailureRouter, IServiceProvider, IFailureRouter> layer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(layer);
        var services = builder.Services;
        ServiceDescriptor? inner = null;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IFailureRouter))
            {
                inner = services[i];
                services.RemoveAt(i);
                break;
            }
        }

        if (inner is null)
        {
            throw new InvalidOperationException("No IFailureRouter is registered: call AddSwarm() before UseFailureRouter().");
        }

        services.AddSingleton(sp => layer(Resolve(inner, sp), sp));
        return builder;
    }

    private static IFailureRouter Resolve(ServiceDescriptor descriptor, IServiceProvider services)
    {
        if (descriptor.ImplementationInstance is IFailureRouter instance)
        {
            return instance;
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return (IFailureRouter)factory(services);
        }

        return (IFailureRouter)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
    }
}
