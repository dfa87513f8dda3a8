using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Swarm.Core.Tests.Autonomy;

public sealed class AutonomyOptionsTests
{
    [Fact]
    public void Defaults_AskForHighAndCriticalDenyNothingAndUseTheInterruptTimeout()
    {
        var options = new SwarmOptions().Autonomy;

        Assert.Equal(RiskLevel.High, options.ApprovalThreshold);
        Assert.Null(options.DenyThreshold);
        Assert.Null(options.ApprovalTimeout);
    }

    [Fact]
    public async Task AddSwarm_BadAutonomyOptions_FailValidationNamingEachProblem()
    {
        await using var host = new SwarmHost(options: o =>
        {
            o.Autonomy.ApprovalThreshold = (RiskLevel)9;
            o.Autonomy.DenyThreshold = (RiskLevel)(-1);
            o.Autonomy.ApprovalTimeout = TimeSpan.Zero;
        });

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SwarmOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("SwarmOptions.Autonomy.ApprovalThreshold is 9, not a risk level", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("SwarmOptions.Autonomy.DenyThreshold is -1, not a risk level", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("SwarmOptions.Autonomy.ApprovalTimeout is 00:00:00; it must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddSwarm_NullAutonomyOptions_FailValidation()
    {
        await using var host = new SwarmHost(options: o => o.Autonomy = null!);

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SwarmOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("SwarmOptions.Autonomy is null", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigureAutonomy_SetsTheOptionsOfTheDefaultGate()
    {
        await using var host = new SwarmHost(swarm: b => b.ConfigureAutonomy(a =>
        {
            a.ApprovalThreshold = RiskLevel.Medium;
            a.DenyThreshold = RiskLevel.Critical;
            a.ApprovalTimeout = TimeSpan.FromHours(4);
        }));

        var options = host.Services.GetRequiredService<IOptions<SwarmOptions>>().Value.Autonomy;
        Assert.Equal(RiskLevel.Medium, options.ApprovalThreshold);
        Assert.Equal(RiskLevel.Critical, options.DenyThreshold);
        Assert.Equal(TimeSpan.FromHours(4), options.ApprovalTimeout);
        Assert.IsType<RiskAutonomyGate>(host.Services.GetRequiredService<IAutonomyGate>());
    }

    [Fact]
    public void UseAutonomyGate_LayerWithoutARegisteredGate_ThrowsSayingToCallAddSwarm()
    {
        var services = new ServiceCollection();
        var builder = services.AddSwarm();
        services.RemoveAll<IAutonomyGate>();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.UseAutonomyGate((inner, _) => inner));
        Assert.Contains("call AddSwarm() before UseAutonomyGate()", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => builder.UseAutonomyGate((IAutonomyGate)null!));
    }

    [Fact]
    public async Task DefaultGate_DecidesByRisk_DenialWinningOverApproval()
    {
        var gate = new RiskAutonomyGate(new AutonomyOptions { ApprovalThreshold = RiskLevel.Medium, DenyThreshold = RiskLevel.Critical });
        AutonomyContext For(RiskLevel risk) => new("r", "s", new TaskStep { Id = "s", Risk = risk, Kind = StepKind.Tool, Tool = "deploy", Args = new Dictionary<string, string> { ["build"] = "7" }, Instruction = "ship it" }, "worker", 1);

        Assert.Equal(AutonomyAction.Allow, (await gate.DecideAsync(For(RiskLevel.Low))).Action);
        var medium = await gate.DecideAsync(For(RiskLevel.Medium));
        Assert.Equal(AutonomyAction.RequireApproval, medium.Action);
        Assert.Equal("Step 's' (Medium risk, tool step, role 'worker') is about to run tool 'deploy' with build=7: ship it. Approve? (yes/no)", medium.Question);
        Assert.Equal(AutonomyAction.RequireApproval, (await gate.DecideAsync(For(RiskLevel.High))).Action);
        var critical = await gate.DecideAsync(For(RiskLevel.Critical));
        Assert.Equal(AutonomyAction.Deny, critical.Action);
        Assert.Contains("DenyThreshold (Critical)", critical.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AutonomyDecision_Factories_CheckTheirArguments()
    {
        Assert.Same(AutonomyDecision.Allow(), AutonomyDecision.Allow());
        Assert.Equal("Allow: fine", AutonomyDecision.Allow("fine").ToString());
        Assert.Null(AutonomyDecision.RequireApproval("risky", "").Question);
        Assert.Throws<ArgumentException>(() => AutonomyDecision.RequireApproval(""));
        Assert.Throws<ArgumentNullException>(() => AutonomyDecision.Deny(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutonomyContext("r", "s", new TaskStep { Id = "s" }, "worker", 0));
        Assert.Throws<ArgumentException>(() => new AutonomyContext("", "s", new TaskStep { Id = "s" }, "worker", 1));
    }
}
