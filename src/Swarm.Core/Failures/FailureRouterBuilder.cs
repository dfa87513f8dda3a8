namespace Swarm;

/// <summary>Composes a failure router from an inner router and wrapping layers (first added is outermost).</summary>
/// <remarks>Not thread-safe while being configured; the routers it builds are thread-safe if their layers are.</remarks>
public sealed class FailureRouterBuilder
{
    private readonly Func<IServiceProvider, IFailureRouter> _innerFactory;
    private readonly List<Func<IFailureRouter, IServiceProvider, IFailureRouter>> _layers = [];

    /// <summary>Initializes a new instance of the <see cref="FailureRouterBuilder"/> class.</summary>
    /// <param name="innerRouter">The innermost router.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRouter"/> is <see langword="null"/>.</exception>
    public FailureRouterBuilder(IFailureRouter innerRouter)
    {
        ArgumentNullException.ThrowIfNull(innerRouter);
        _innerFactory = _ => innerRouter;
    }

    /// <summary>Initializes a new instance of the <see cref="FailureRouterBuilder"/> class.</summary>
    /// <param name="innerRouterFactory">Creates the innermost router.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRouterFactory"/> is <see langword="null"/>.</exception>
    public FailureRouterBuilder(Func<IServiceProvider, IFailureRouter> innerRouterFactory)
    {
        ArgumentNullException.ThrowIfNull(innerRouterFactory);
        _innerFactory = innerRouterFactory;
    }

    /// <summary>Adds a layer around the router built so far.</summary>
    /// <param name="layer">Wraps an inner router (typically in a <see cref="DelegatingFailureRouter"/>).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is <see langword="null"/>.</exception>
    public FailureRouterBuilder Use(Func<IFailureRouter, IServiceProvider, IFailureRouter> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Adds a layer given as a routing function that may call the inner router.</summary>
    /// <param name="route">Routes a failure; receives the context, the inner router and the cancellation token.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="route"/> is <see langword="null"/>.</exception>
    public FailureRouterBuilder Use(Func<FailureRoutingContext, IFailureRouter, CancellationToken, ValueTask<FailureDecision>> route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return Use((inner, _) => new AnonymousFailureRouter(inner, route));
    }

    /// <summary>Builds the router.</summary>
    /// <param name="services">The services layers may use; an empty provider when <see langword="null"/>.</param>
    /// <returns>The outermost router.</returns>
    public IFailureRouter Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        var router = _innerFactory(services);
        for (var i = _layers.Count - 1; i >= 0; i--)
        {
            router = _layers[i](router, services) ?? throw new InvalidOperationException($"Failure router layer #{i + 1} returned null.");
        }

        return router;
    }

    /// <summary>Creates a router from a routing function, for one-off policies.</summary>
    /// <param name="route">Routes a failure.</param>
    /// <returns>The router.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="route"/> is <see langword="null"/>.</exception>
    public static IFailureRouter Create(Func<FailureRoutingContext, CancellationToken, ValueTask<FailureDecision>> route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return new FunctionFailureRouter(route);
    }

    private sealed class AnonymousFailureRouter(IFailureRouter inner, Func<FailureRoutingContext, IFailureRouter, CancellationToken, ValueTask<FailureDecision>> route)
        : DelegatingFailureRouter(inner)
    {
        public override ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default) =>
            route(context, InnerRouter, cancellationToken);
    }

    private sealed class FunctionFailureRouter(Func<FailureRoutingContext, CancellationToken, ValueTask<FailureDecision>> route) : IFailureRouter
    {
        public ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default) => route(context, cancellationToken);
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
