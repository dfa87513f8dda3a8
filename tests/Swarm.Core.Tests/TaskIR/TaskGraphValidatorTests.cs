using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.TaskIR;

public sealed class TaskGraphValidatorTests
{
    private static readonly TaskGraphValidator Strict = new()
    {
        KnownRoles = new HashSet<string> { "worker", "coder" },
        KnownTools = new HashSet<string> { "shell" },
        KnownGates = new HashSet<string> { "shellcheck" },
    };

    [Fact]
    public void Validate_ValidGraph_ReportsNothing()
    {
        var graph = Graph(Step("a"), Step("b", "a"), Tool("c", "shell", "a", "b"));

        Assert.Empty(Strict.Validate(graph));
        Strict.EnsureValid(graph);
    }

    [Fact]
    public void Validate_EmptyGraph_ReportsEmptyGraph()
    {
        var problem = Assert.Single(Strict.Validate(Graph()));

        Assert.Equal(TaskGraphProblemKind.EmptyGraph, problem.Kind);
    }

    [Fact]
    public void Validate_DuplicateIds_ReportsEachDuplicateOnce()
    {
        var problems = Strict.Validate(Graph(Step("a"), Step("a"), Step("a"), Step("b")));

        var problem = Assert.Single(problems);
        Assert.Equal(TaskGraphProblemKind.DuplicateStepId, problem.Kind);
        Assert.Equal(["a"], problem.StepIds);
    }

    [Fact]
    public void Validate_MissingId_ReportsItsPosition()
    {
        var problem = Assert.Single(Strict.Validate(Graph(Step("a"), new TaskStep { Role = "worker" })));

        Assert.Equal(TaskGraphProblemKind.MissingStepId, problem.Kind);
        Assert.Contains("#2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownDependency_NamesStepAndDependency()
    {
        var problem = Assert.Single(Strict.Validate(Graph(Step("a"), Step("b", "ghost"))));

        Assert.Equal(TaskGraphProblemKind.UnknownDependency, problem.Kind);
        Assert.Equal("ghost", problem.Name);
        Assert.Equal(["b"], problem.StepIds);
    }

    [Fact]
    public void Validate_Cycle_NamesTheStepsOfTheCycleInOrder()
    {
        var problems = Strict.Validate(Graph(Step("start"), Step("a", "start", "c"), Step("b", "a"), Step("c", "b"), Step("end", "c")));

        var problem = Assert.Single(problems);
        Assert.Equal(TaskGraphProblemKind.Cycle, problem.Kind);
        Assert.Equal(["a", "c", "b"], problem.StepIds);
        Assert.Contains("a -> c -> b -> a", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoCyclesAndASelfLoop_ReportsEachCycle()
    {
        var problems = Strict.Validate(Graph(Step("a", "b"), Step("b", "a"), Step("x", "y"), Step("y", "x"), Step("s", "s")));

        var cycles = problems.Where(p => p.Kind == TaskGraphProblemKind.Cycle).Select(p => string.Join(",", p.StepIds)).Order().ToList();
        Assert.Equal(["a,b", "s", "x,y"], cycles);
    }

    [Fact]
    public void Validate_UnknownRoleToolAndGate_ReportsEach()
    {
        var step = Tool("t", "hammer");
        step.Role = "wizard";
        step.Gates = ["shellcheck", "astrology"];

        var problems = Strict.Validate(Graph(step));

        Assert.Equal(
            [(TaskGraphProblemKind.UnknownRole, "wizard"), (TaskGraphProblemKind.UnknownTool, "hammer"), (TaskGraphProblemKind.UnknownGate, "astrology")],
            problems.Select(p => (p.Kind, p.Name!)).ToList());
    }

    [Fact]
    public void Validate_ToolStepWithoutTool_ReportsUnknownTool()
    {
        var step = Step("t");
        step.Kind = StepKind.Tool;

        Assert.Equal(TaskGraphProblemKind.UnknownTool, Assert.Single(Strict.Validate(Graph(step))).Kind);
    }

    [Fact]
    public void Validate_NonPositiveBudgetTimeoutAndAttempts_ReportsEach()
    {
        var step = Step("a");
        step.Timeout = TimeSpan.Zero;
        step.MaxAttempts = -1;
        var graph = Graph(step);
        graph.Budget = new TaskBudget { MaxSteps = 0, MaxTokens = -5, MaxCost = 0m, MaxDuration = TimeSpan.FromSeconds(-1) };

        var kinds = Strict.Validate(graph).Select(p => p.Kind).ToList();

        Assert.Equal(4, kinds.Count(k => k == TaskGraphProblemKind.NonPositiveBudget));
        Assert.Contains(TaskGraphProblemKind.NonPositiveTimeout, kinds);
        Assert.Contains(TaskGraphProblemKind.NonPositiveMaxAttempts, kinds);
    }

    [Fact]
    public void Validate_NestedGraph_ReportsProblemsWithQualifiedIds()
    {
        var outer = new TaskStep { Id = "outer", Kind = StepKind.Graph, Graph = Graph(Step("x", "missing")) };
        var empty = new TaskStep { Id = "hollow", Kind = StepKind.Graph };

        var problems = Strict.Validate(Graph(outer, empty));

        Assert.Contains(problems, p => p.Kind == TaskGraphProblemKind.UnknownDependency && p.StepIds[0] == "outer/x");
        Assert.Contains(problems, p => p.Kind == TaskGraphProblemKind.MissingSubgraph && p.StepIds[0] == "hollow");
    }

    [Fact]
    public void Validate_UnsupportedKind_Reported()
    {
        var validator = new TaskGraphValidator { SupportedKinds = new HashSet<StepKind> { StepKind.Llm } };
        var step = Step("p");
        step.Kind = StepKind.Procedure;

        Assert.Equal(TaskGraphProblemKind.UnsupportedKind, Assert.Single(validator.Validate(Graph(step))).Kind);
    }

    [Fact]
    public void EnsureValid_ManyProblems_ThrowsOneExceptionListingAll()
    {
        var bad = Tool("t", "hammer", "ghost");
        bad.Timeout = TimeSpan.FromSeconds(-3);
        var graph = Graph(Step("a", "b"), Step("b", "a"), Step("a"), bad);

        var ex = Assert.Throws<TaskGraphValidationException>(() => Strict.EnsureValid(graph));

        var kinds = ex.Problems.Select(p => p.Kind).ToHashSet();
        Assert.Superset(new HashSet<TaskGraphProblemKind> { TaskGraphProblemKind.DuplicateStepId, TaskGraphProblemKind.UnknownDependency, TaskGraphProblemKind.UnknownTool, TaskGraphProblemKind.NonPositiveTimeout }, kinds);
        Assert.Contains($"{ex.Problems.Count} problems", ex.Message, StringComparison.Ordinal);
        foreach (var problem in ex.Problems)
        {
            Assert.Contains(problem.Message, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_LongChain_DoesNotOverflowTheStack()
    {
        var steps = Enumerable.Range(0, 20_000).Select(i => i == 0 ? Step("s0") : Step($"s{i}", $"s{i - 1}")).ToArray();
        steps[0].DependsOn = ["s19999"];

        var problem = Assert.Single(Strict.Validate(Graph(steps)));

        Assert.Equal(TaskGraphProblemKind.Cycle, problem.Kind);
        Assert.Equal(20_000, problem.StepIds.Count);
    }
}
