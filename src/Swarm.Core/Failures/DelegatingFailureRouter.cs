namespace Swarm;

/// <summary>A failure router that passes every call to an inner router; derive from it to add behavior around routing.</summary>
/// <remarks>Thread-safe if the inner router is.</remarks>
public abstract class DelegatingFailureRouter : IFailureRouter
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingFailureRouter"/> class.</summary>
    /// <param name="innerRouter">The router calls are passed to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerRouter"/> is <see langword="null"/>.</exception>
    protected DelegatingFailureRouter(IFailureRouter innerRouter)
    {
        ArgumentNullException.ThrowIfNull(innerRouter);
        InnerRouter = innerRouter;
    }

    /// <summary>Gets the router calls are passed to.</summary>
    protected IFailureRouter InnerRouter { get; }

    /// <inheritdoc/>
    public virtual ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default) =>
        InnerRouter.RouteAsync(context, cancellationToken);

    /// <summary>Finds a layer of the given type in this chain of routers.</summary>
    /// <param name="serviceType">The type wanted.</param>
    /// <returns>This router or an inner one that is of <paramref name="serviceType"/>, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public virtual object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return InnerRouter is DelegatingFailureRouter inner ? inner.GetService(serviceType) : serviceType.IsInstanceOfType(InnerRouter) ? InnerRouter : null;
    }
}
