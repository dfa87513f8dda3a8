using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>Routes a step by its task type through a fixed table (<see cref="RuleRouterOptions"/>); the fallback of learned routers.</summary>
/// <remarks>Thread-safe. A table hit has confidence 1; a miss gives <see cref="RuleRouterOptions.DefaultRole"/> with <see cref="RuleRouterOptions.DefaultConfidence"/>.</remarks>
public sealed class RuleRouter : IRoleRouter
{
    private readonly Dictionary<string, string> _rules;
    private readonly string _defaultRole;
    private readonly double _defaultConfidence;

    /// <summary>Initializes a new instance of the <see cref="RuleRouter"/> class.</summary>
    /// <param name="options">The table.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public RuleRouter(IOptions<RuleRouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _rules = new Dictionary<string, string>(value.Rules, StringComparer.OrdinalIgnoreCase);
        _defaultRole = value.DefaultRole;
        _defaultConfidence = value.DefaultConfidence;
    }

    /// <inheritdoc/>
    public ValueTask<RoleRoute> RouteAsync(TaskStep taskStep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskStep);
        if (taskStep.TaskType is { Length: > 0 } taskType && _rules.TryGetValue(taskType, out var role))
        {
            return new ValueTask<RoleRoute>(new RoleRoute(role, 1.0));
        }

        return new ValueTask<RoleRoute>(new RoleRoute(_defaultRole, _defaultConfidence));
    }
}
