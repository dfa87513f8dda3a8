namespace Swarm;

/// <summary>A role router's answer: which role should perform a step, and how sure the router is.</summary>
/// <param name="Role">The role.</param>
/// <param name="Confidence">The router's confidence, from 0 to 1.</param>
public readonly record struct RoleRoute(string Role, double Confidence);
