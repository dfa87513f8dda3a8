namespace Swarm.Core.Tests;

/// <summary>Short ways to write test graphs.</summary>
public static class Graphs
{
    public static TaskStep Step(string id, params string[] dependsOn) => new() { Id = id, Role = "worker", Instruction = "do " + id, DependsOn = [.. dependsOn] };

    public static TaskStep Tool(string id, string tool, params string[] dependsOn) => new() { Id = id, Role = "worker", Kind = StepKind.Tool, Tool = tool, Instruction = "call " + tool, DependsOn = [.. dependsOn] };

    public static TaskGraph Graph(params TaskStep[] steps) => new() { Id = "g", Goal = "test", Steps = [.. steps] };
}
