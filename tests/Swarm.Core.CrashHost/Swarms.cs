namespace Swarm.Core.CrashHost;

/// <summary>The graphs of the crash tests.</summary>
public static class Swarms
{
    /// <summary>Agents working in parallel, each a chain of tool calls: <c>agents * calls</c> calls in all.</summary>
    /// <param name="agents">The number of agents (parallel chains).</param>
    /// <param name="calls">The tool calls per agent.</param>
    /// <returns>The graph.</returns>
    public static TaskGraph Chains(int agents, int calls)
    {
        var steps = new List<TaskStep>(agents * calls);
        for (var a = 0; a < agents; a++)
        {
            for (var c = 0; c < calls; c++)
            {
                steps.Add(new TaskStep
                {
                    Id = $"a{a:D3}-c{c:D2}",
                    Kind = StepKind.Tool,
                    Tool = "noop",
                    Instruction = $"agent {a} call {c}",
                    DependsOn = c == 0 ? [] : [$"a{a:D3}-c{c - 1:D2}"],
                });
            }
        }

        return new TaskGraph { Id = "crash-swarm", Goal = $"{agents} agents x {calls} tool calls", Steps = steps };
    }
}
