namespace Swarm.Core.Tests.Checkpoints;

/// <summary>
/// The writer's memory of stored graph rows: an equal graph (the same object run again, or another object with the same content)
/// reuses its row; any change to a field the row was written from, made in place between two runs, does not.
/// </summary>
public sealed class GraphRowCacheTests
{
    // The fields a plain step's row is written from, and the fields that make a step not plain (TaskGraphJsonb.IsPlain).
    private static readonly string[] StoredStepFields = [nameof(TaskStep.Id), nameof(TaskStep.Role), nameof(TaskStep.Instruction), nameof(TaskStep.DependsOn), nameof(TaskStep.Kind), nameof(TaskStep.Tool)];
    private static readonly string[] NotPlainStepFields = [nameof(TaskStep.Args), nameof(TaskStep.Gates), nameof(TaskStep.Timeout), nameof(TaskStep.MaxAttempts), nameof(TaskStep.Risk), nameof(TaskStep.TaskType), nameof(TaskStep.Graph), nameof(TaskStep.Cache)];

    public static TheoryData<string, Action<TaskGraph>> InPlaceChanges() => new()
    {
        { "goal", g => g.Goal = "another goal" },
        { "budget", g => g.Budget = new TaskBudget { MaxSteps = 10 } },
        { "a step added", g => g.Steps.Add(new TaskStep { Id = "d", Instruction = "i", Kind = StepKind.Tool, Tool = "noop" }) },
        { "a step removed", g => g.Steps.RemoveAt(2) },
        { "two steps swapped", g => (g.Steps[0], g.Steps[1]) = (g.Steps[1], g.Steps[0]) },
        { "step id", g => g.Steps[1].Id = "b2" },
        { "step role", g => g.Steps[1].Role = "reviewer" },
        { "step role removed", g => g.Steps[0].Role = null },
        { "step instruction", g => g.Steps[2].Instruction = "other" },
        { "step kind", g => g.Steps[2].Kind = StepKind.Llm },
        { "step tool", g => g.Steps[2].Tool = "other" },
        { "dependency added to the list", g => g.Steps[2].DependsOn.Add("a") },
        { "dependency replaced in the list", g => g.Steps[2].DependsOn[0] = "a" },
        { "dependency list replaced", g => g.Steps[1].DependsOn = [] },
        { "step gates (not plain)", g => g.Steps[0].Gates.Add("lint") },
        { "step args (not plain)", g => g.Steps[0].Args = new Dictionary<string, string> { ["k"] = "v" } },
        { "step timeout (not plain)", g => g.Steps[0].Timeout = TimeSpan.FromSeconds(3) },
        { "step max attempts (not plain)", g => g.Steps[0].MaxAttempts = 2 },
        { "step risk (not plain)", g => g.Steps[0].Risk = RiskLevel.High },
        { "step task type (not plain)", g => g.Steps[0].TaskType = "code" },
        { "step sub-graph (not plain)", g => g.Steps[0].Graph = new TaskGraph { Id = "sub" } },
        { "step cache policy (not plain)", g => g.Steps[0].Cache = new StepCachePolicy() },
    };

    [Fact]
    public void TryGet_SameGraphAgain_OrAnEqualCopy_ReturnsTheRememberedRow()
    {
        var cache = new GraphRowCache(capacity: 4);
        var graph = Sample();
        Assert.False(cache.TryGet(graph, out _));
        cache.Remember(graph, 7);

        Assert.True(cache.TryGet(graph, out var again));
        Assert.True(cache.TryGet(Sample(), out var copy));
        Assert.Equal(7, again);
        Assert.Equal(7, copy);
        Assert.Equal(2, cache.Hits);
    }

    [Theory]
    [MemberData(nameof(InPlaceChanges))]
    public void TryGet_GraphChangedInPlace_MissesTheRow(string change, Action<TaskGraph> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var cache = new GraphRowCache(capacity: 4);
        var graph = Sample();
        cache.Remember(graph, 7);

        apply(graph);

        Assert.False(cache.TryGet(graph, out _), $"A graph whose {change} changed reused the row of the graph before the change.");
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void Remember_AGraphThatIsNotPlain_ForgetsTheOlderRowUnderItsId()
    {
        var cache = new GraphRowCache(capacity: 4);
        cache.Remember(Sample(), 7);
        var withGates = Sample();
        withGates.Steps[0].Gates.Add("lint");

        cache.Remember(withGates, 8);

        Assert.False(cache.TryGet(withGates, out _));
        Assert.False(cache.TryGet(Sample(), out _));
    }

    [Fact]
    public void Remember_MoreIdsThanTheCapacity_StartsAgain_AndClearForgetsEverything()
    {
        var cache = new GraphRowCache(capacity: 2);
        cache.Remember(Sample("g1"), 1);
        cache.Remember(Sample("g2"), 2);
        Assert.True(cache.TryGet(Sample("g1"), out _));

        cache.Remember(Sample("g3"), 3);

        Assert.False(cache.TryGet(Sample("g1"), out _));
        Assert.True(cache.TryGet(Sample("g3"), out var third));
        Assert.Equal(3, third);
        cache.Clear();
        Assert.False(cache.TryGet(Sample("g3"), out _));
    }

    [Fact]
    public void TheFieldsCompared_CoverEveryPropertyOfATaskStepAndATaskGraph()
    {
        // A property added to TaskStep or TaskGraph must be compared by GraphRowCache (or make a step not plain in
        // TaskGraphJsonb.IsPlain), or a changed graph could reuse the row of the graph before the change.
        Assert.Equal(
            [.. StoredStepFields.Concat(NotPlainStepFields).Order(StringComparer.Ordinal)],
            typeof(TaskStep).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            [nameof(TaskGraph.Budget), nameof(TaskGraph.Goal), nameof(TaskGraph.Id), nameof(TaskGraph.Steps)],
            typeof(TaskGraph).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static TaskGraph Sample(string id = "g") => new()
    {
        Id = id,
        Goal = "three steps",
        Steps =
        [
            new TaskStep { Id = "a", Role = "worker", Instruction = "first", Kind = StepKind.Llm },
            new TaskStep { Id = "b", Role = "worker", Instruction = "second", DependsOn = ["a"], Kind = StepKind.Llm },
            new TaskStep { Id = "c", Instruction = "third", DependsOn = ["b"], Kind = StepKind.Tool, Tool = "noop" },
        ],
    };
}
