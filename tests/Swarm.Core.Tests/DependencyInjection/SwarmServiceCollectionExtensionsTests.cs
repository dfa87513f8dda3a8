using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.DependencyInjection;

public sealed class SwarmServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSwarm_RegistersTheDefaults()
    {
        var services = new ServiceCollection();
        services.AddSwarm();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Equal("SwarmExecutor", provider.GetRequiredService<ISwarmExecutor>().GetType().Name);
        Assert.Equal("PolicyFailureRouter", provider.GetRequiredService<IFailureRouter>().GetType().Name);
        Assert.IsType<RuleRouter>(provider.GetRequiredService<IRoleRouter>());
        Assert.Equal("InMemoryCheckpointStore", provider.GetRequiredService<ICheckpointStore>().GetType().Name);
        Assert.Equal([StepKind.Llm, StepKind.Tool, StepKind.Graph], provider.GetServices<IStepHandler>().Select(h => h.Kind));
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddSwarm_HostRegistrationsFirst_Win()
    {
        var executor = new FakeExecutor();
        var router = FailureRouterBuilder.Create((_, _) => ValueTask.FromResult(FailureDecision.Fail("host")));
        var store = new RecordingCheckpointStore();
        var services = new ServiceCollection();
        services.AddSingleton<ISwarmExecutor>(executor);
        services.AddSingleton(router);
        services.AddSingleton<ICheckpointStore>(store);

        services.AddSwarm();
        using var provider = services.BuildServiceProvider();

        Assert.Same(executor, provider.GetRequiredService<ISwarmExecutor>());
        Assert.Same(router, provider.GetRequiredService<IFailureRouter>());
        Assert.Same(store, provider.GetRequiredService<ICheckpointStore>());
    }

    [Fact]
    public void AddSwarm_SecondCall_OnlyConfigures()
    {
        var services = new ServiceCollection();
        services.AddSwarm(o => o.MaxParallelAgents = 7);
        var count = services.Count;

        services.AddSwarm(o => o.MaxConcurrentToolCalls = 3);
        using var provider = services.BuildServiceProvider();

        Assert.Equal(count + 1, services.Count); // only the second configure action
        var options = provider.GetRequiredService<IOptions<SwarmOptions>>().Value;
        Assert.Equal((7, 3), (options.MaxParallelAgents, options.MaxConcurrentToolCalls));
        Assert.Single(provider.GetServices<ISwarmExecutor>());
    }

    [Theory]
    [InlineData(0, 10, "MaxParallelAgents")]
    [InlineData(10, -1, "MaxConcurrentToolCalls")]
    public void AddSwarm_BadOptions_ThrowOptionsValidationExceptionNamingThem(int agents, int tools, string name)
    {
        var services = new ServiceCollection();
        services.AddSwarm(o => { o.MaxParallelAgents = agents; o.MaxConcurrentToolCalls = tools; });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISwarmExecutor>());

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSwarm_BadTimeoutAndDuplicateRoles_AreReported()
    {
        var services = new ServiceCollection();
        services.AddSwarm(o => { o.DefaultStepTimeout = TimeSpan.Zero; o.Roles.Add(new SwarmRole("worker", "again")); });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SwarmOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("DefaultStepTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("'worker' more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigureFailureRouting_BadPolicy_IsRejected()
    {
        var services = new ServiceCollection();
        services.AddSwarm().ConfigureFailureRouting(f =>
        {
            f.EscalationChain = ["worker", "worker"];
            f.MaxRetriesPerStep = -1;
            f.Policies[FailureCategory.Code].MaxRetries = 1000;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IFailureRouter>());

        Assert.Contains(ex.Failures, f => f.Contains("MaxRetriesPerStep", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("'worker' more than once", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Policies[Code].MaxRetries", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigureFailureRouting_EmptyChain_IsRejected()
    {
        var services = new ServiceCollection();
        services.AddSwarm().ConfigureFailureRouting(f => f.EscalationChain.Clear());
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IFailureRouter>());

        Assert.Contains("EscalationChain is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSwarm_BadOptions_FailTheHostAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSwarm(o => o.MaxParallelAgents = -5);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("MaxParallelAgents", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseFailureRouter_WrapsTheDefaultRouter()
    {
        var seen = new List<FailureCategory>();
        var services = new ServiceCollection();
        services.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (_, _) => throw new StepFailureException(FailureCategory.Code, "broken")));
        services.AddSwarm().UseFailureRouter((inner, _) => new RecordingRouter(inner, seen));
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<ISwarmExecutor>().RunAsync(Graph(Step("a")));

        Assert.Equal(SwarmRunStatus.Failed, result.Status);
        Assert.Equal(Enumerable.Repeat(FailureCategory.Code, result.GetStep("a")!.Attempts), seen);
        Assert.Equal(FailureAction.Escalate, result.GetStep("a")!.Decisions[2].Action); // default policy still decides
    }

    [Fact]
    public async Task AddTool_ToolIsCallableFromToolSteps()
    {
        var services = new ServiceCollection();
        services.AddSwarm().AddTool(new DelegateTool("upper", (call, _) => ValueTask.FromResult(ToolResult.Success(call.Arguments["text"].ToUpperInvariant()))));
        await using var provider = services.BuildServiceProvider();
        var step = Tool("t", "upper");
        step.Args = new Dictionary<string, string> { ["text"] = "swarm" };

        var result = await provider.GetRequiredService<ISwarmExecutor>().RunAsync(Graph(step));

        Assert.Equal("SWARM", result.GetOutput("t"));
    }

    private sealed class RecordingRouter(IFailureRouter inner, List<FailureCategory> seen) : DelegatingFailureRouter(inner)
    {
        public override ValueTask<FailureDecision> RouteAsync(FailureRoutingContext context, CancellationToken cancellationToken = default)
        {
            seen.Add(context.Failure.Category);
            return base.RouteAsync(context, cancellationToken);
        }
    }

    private sealed class FakeExecutor : ISwarmExecutor
    {
        public Task<SwarmRunResult> RunAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<SwarmEvent> RunStreamingAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
