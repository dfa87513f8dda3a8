namespace Swarm;

/// <summary>Marks a service collection that already has the Swarm core services, so a second AddSwarm() only configures.</summary>
internal sealed class SwarmMarkerService
{
}
