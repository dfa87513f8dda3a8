namespace Swarm.Core.Tests;

/// <summary>A step record and a task graph that set every property, for the checkpoint formats' round trips.</summary>
public static class DurableSamples
{
    /// <summary>A failed procedure step with every field of a record set, text that needs escaping included.</summary>
    public static StepRecord FullRecord() => new()
    {
        StepId = "s1",
        ParentStepId = "p",
        DependsOn = ["a", "b"],
        Kind = StepKind.Procedure,
        Role = "coder",
        Status = StepStatus.Failed,
        Attempts = 3,
        Output = "line 1\n\"quoted\" <tag> & é ✓",
        Files = ["out/a.txt", "b.sh"],
        StartOffset = TimeSpan.FromMilliseconds(12.3456),
        Duration = TimeSpan.FromDays(1.5),
        WorkDuration = TimeSpan.FromTicks(7),
        SpawnedSteps = [Graphs.Tool("child", "noop", "a")],
        Failures = [new StepFailure { StepId = "s1", Attempt = 1, Category = FailureCategory.Code, Message = "boom", Role = "coder" }],
        Decisions = [new FailureDecision(FailureAction.Escalate, "architect", "try harder", "code failed twice")],
        SubRun = new SwarmRunMetrics { TotalSteps = 4, CriticalSteps = 2, Parallelism = 2, CriticalPath = ["x", "y"], WallTime = TimeSpan.FromSeconds(3) },
    };

    /// <summary>A graph with a budget, a bare step and a step that sets every property (a nested graph among them).</summary>
    public static TaskGraph FullGraph() => new()
    {
        Id = "g",
        Goal = "goal",
        Budget = new TaskBudget { MaxSteps = 9, MaxTokens = 1000, MaxCost = 1.5m, MaxDuration = TimeSpan.FromMinutes(3) },
        Steps =
        [
            new TaskStep { Id = "bare" },
            new TaskStep
            {
                Id = "full",
                Role = "coder",
                Instruction = "do \"it\" ✓",
                DependsOn = ["bare"],
                Kind = StepKind.Graph,
                Tool = "t",
                Args = new Dictionary<string, string> { ["k"] = "v" },
                Gates = ["lint", "test"],
                Timeout = TimeSpan.FromSeconds(42),
                MaxAttempts = 4,
                Risk = RiskLevel.High,
                TaskType = "code",
                Graph = new TaskGraph { Id = "inner", Goal = "g2", Steps = [new TaskStep { Id = "n1", Instruction = "x" }] },
                Cache = new StepCachePolicy { TimeToLive = TimeSpan.FromHours(1), Version = "2" },
            },
        ],
    };

    /// <summary>The record as the store's source-generated context names it: the reference a round trip must reproduce.</summary>
    public static string Named(StepRecord record) => System.Text.Json.JsonSerializer.Serialize(record, DurableJsonContext.Default.StepRecord);
}
