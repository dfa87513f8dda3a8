using Microsoft.Extensions.Options;

namespace Swarm.Core.Tests.Routing;

public sealed class RuleRouterTests
{
    [Fact]
    public async Task RouteAsync_KnownTaskType_ReturnsItsRoleWithFullConfidence()
    {
        var router = new RuleRouter(Options.Create(new RuleRouterOptions { Rules = new Dictionary<string, string> { ["bash"] = "coder" } }));

        var route = await router.RouteAsync(new TaskStep { Id = "s", TaskType = "BASH" });

        Assert.Equal(new RoleRoute("coder", 1.0), route);
    }

    [Fact]
    public async Task RouteAsync_UnknownTaskType_ReturnsTheDefaultRole()
    {
        var router = new RuleRouter(Options.Create(new RuleRouterOptions { DefaultRole = "generalist", DefaultConfidence = 0.4 }));

        var route = await router.RouteAsync(new TaskStep { Id = "s", TaskType = "poetry" });

        Assert.Equal(new RoleRoute("generalist", 0.4), route);
    }
}
