using Microsoft.Extensions.Options;

namespace Swarm.Core.Tests.Failures;

public sealed class PolicyFailureRouterTests
{
    private static readonly TaskStep Step = new() { Id = "s", Role = "worker" };

    [Fact]
    public async Task RouteAsync_Format_RetriesSameRoleThenFailsNeverEscalates()
    {
        var actions = await PlayAsync(FailureCategory.Format, failures: 4);

        Assert.Equal([FailureAction.Retry, FailureAction.Retry, FailureAction.Retry, FailureAction.Fail], actions.Select(d => d.Action));
        Assert.All(actions.Take(3), d => Assert.Equal("worker", d.Role));
    }

    [Fact]
    public async Task RouteAsync_Schema_RetriesWithTheSchemaErrorsInTheFeedback()
    {
        var router = Create();
        var failure = Failure(FailureCategory.Schema, 1, "worker", [new GateDiagnostic("'name' is required") { File = "out.json", Line = 2, RuleId = "required" }]);

        var decision = await router.RouteAsync(new FailureRoutingContext(Step, failure, [failure], []));

        Assert.Equal(FailureAction.Retry, decision.Action);
        Assert.Contains("out.json:2: error [required]: 'name' is required", decision.Feedback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_Code_RetriesTwiceThenEscalatesToCoder()
    {
        var actions = await PlayAsync(FailureCategory.Code, failures: 3);

        Assert.Equal([(FailureAction.Retry, "worker"), (FailureAction.Retry, "worker"), (FailureAction.Escalate, "coder")], actions.Select(d => (d.Action, d.Role!)));
    }

    [Fact]
    public async Task RouteAsync_Logic_EscalatesAtOnceUpTheChainThenFails()
    {
        var actions = await PlayAsync(FailureCategory.Logic, failures: 3);

        Assert.Equal([(FailureAction.Escalate, "coder"), (FailureAction.Escalate, "architect"), (FailureAction.Fail, (string?)null)], actions.Select(d => (d.Action, d.Role)));
        Assert.Contains("exhausted", actions[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_Timeout_EscalatesAtOnce()
    {
        var actions = await PlayAsync(FailureCategory.Timeout, failures: 1);

        Assert.Equal(FailureAction.Escalate, Assert.Single(actions).Action);
    }

    [Fact]
    public async Task RouteAsync_AtMostThreeRetriesPerStep_AcrossCategories()
    {
        var router = Create(o => o.Policies[FailureCategory.Format].MaxRetries = 10);
        var history = new List<StepFailure>();
        var decisions = new List<FailureDecision>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var failure = Failure(attempt % 2 == 0 ? FailureCategory.Schema : FailureCategory.Format, attempt, "worker");
            history.Add(failure);
            decisions.Add(await router.RouteAsync(new FailureRoutingContext(Step, failure, [.. history], [.. decisions])));
        }

        Assert.Equal([FailureAction.Retry, FailureAction.Retry, FailureAction.Retry, FailureAction.Fail], decisions.Select(d => d.Action));
        Assert.Contains("3 retries per step", decisions[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_StepMaxAttempts_FailsWhenReached()
    {
        var router = Create();
        var step = new TaskStep { Id = "s", Role = "worker", MaxAttempts = 1 };
        var failure = Failure(FailureCategory.Format, 1, "worker");

        var decision = await router.RouteAsync(new FailureRoutingContext(step, failure, [failure], []));

        Assert.Equal(FailureAction.Fail, decision.Action);
        Assert.Contains("maxAttempts", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_ConfiguredChain_IsFollowed()
    {
        var router = Create(o => o.EscalationChain = ["junior", "senior"]);
        var failure = Failure(FailureCategory.Logic, 1, "junior");

        var decision = await router.RouteAsync(new FailureRoutingContext(Step, failure, [failure], []));

        Assert.Equal(("senior", FailureAction.Escalate), (decision.Role!, decision.Action));
    }

    [Fact]
    public async Task RouteAsync_CategoryWithoutPolicy_Fails()
    {
        var router = Create(o => o.Policies.Remove(FailureCategory.Infra));
        var failure = Failure(FailureCategory.Infra, 1, "worker");

        var decision = await router.RouteAsync(new FailureRoutingContext(Step, failure, [failure], []));

        Assert.Equal(FailureAction.Fail, decision.Action);
    }

    [Fact]
    public async Task FailureRouterBuilder_Layers_WrapOutermostFirstAndCanDelegate()
    {
        var order = new List<string>();
        var router = new FailureRouterBuilder(FailureRouterBuilder.Create((_, _) => { order.Add("inner"); return ValueTask.FromResult(FailureDecision.Fail("inner")); }))
            .Use(async (ctx, inner, ct) => { order.Add("outer"); return await inner.RouteAsync(ctx, ct); })
            .Use(async (ctx, inner, ct) => { order.Add("middle"); return ctx.Failure.Category == FailureCategory.Format ? FailureDecision.Replan("format") : await inner.RouteAsync(ctx, ct); })
            .Build();
        var failure = Failure(FailureCategory.Code, 1, "worker");

        var decision = await router.RouteAsync(new FailureRoutingContext(Step, failure, [failure], []));

        Assert.Equal("inner", decision.Reason);
        Assert.Equal(["outer", "middle", "inner"], order);
        Assert.Same(router, ((DelegatingFailureRouter)router).GetService(typeof(DelegatingFailureRouter)));
    }

    private static IFailureRouter Create(Action<FailureRoutingOptions>? configure = null)
    {
        var options = new FailureRoutingOptions();
        configure?.Invoke(options);
        return new PolicyFailureRouter(Options.Create(options));
    }

    private static StepFailure Failure(FailureCategory category, int attempt, string role, IReadOnlyList<GateDiagnostic>? diagnostics = null) =>
        new() { StepId = "s", Attempt = attempt, Role = role, Category = category, Message = $"{category} problem", Diagnostics = diagnostics ?? [] };

    /// <summary>Feeds repeated failures of one category to the default router, following its role changes.</summary>
    private static async Task<List<FailureDecision>> PlayAsync(FailureCategory category, int failures)
    {
        var router = Create();
        var role = "worker";
        var history = new List<StepFailure>();
        var decisions = new List<FailureDecision>();
        for (var attempt = 1; attempt <= failures; attempt++)
        {
            var failure = Failure(category, attempt, role);
            history.Add(failure);
            var decision = await router.RouteAsync(new FailureRoutingContext(Step, failure, [.. history], [.. decisions]));
            decisions.Add(decision);
            role = decision.Role ?? role;
        }

        return decisions;
    }
}
