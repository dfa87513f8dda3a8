using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddSwarm(o => o.MaxParallelAgents = 8);
Console.WriteLine("Swarm quick start: services configured.");
