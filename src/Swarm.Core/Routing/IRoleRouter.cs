namespace Swarm;

/// <summary>Chooses the role (persona) that performs a step that names none.</summary>
/// <remarks>Implementations must be thread-safe. The default is <see cref="RuleRouter"/>; learned routers (Swarm.Memory) replace or wrap it.</remarks>
public interface IRoleRouter
{
    /// <summary>Chooses a role for a step.</summary>
    /// <param name="taskStep">The step.</param>
    /// <param name="cancellationToken">Cancels the choice.</param>
    /// <returns>The role and the router's confidence.</returns>
    ValueTask<RoleRoute> RouteAsync(TaskStep taskStep, CancellationToken cancellationToken = default);
}
