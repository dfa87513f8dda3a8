using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Swarm.Core.Tests.Checkpoints;

public sealed class CheckpointOptionsTests
{
    [Fact]
    public void Defaults_AreInMemoryNormalSyncApprovalAndImmediateSuspend()
    {
        var options = new CheckpointOptions();
        Assert.Null(options.Path);
        Assert.False(options.FlushToDisk);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.CommitDelay);
        Assert.Equal(InFlightToolPolicy.RequireApproval, options.InFlightNonIdempotentTools);
        Assert.Equal(TimeSpan.Zero, options.InterruptWait);
        Assert.Null(options.InterruptTimeout);
        Assert.Equal(InterruptTimeoutAction.Fail, options.OnInterruptTimeout);
    }

    [Fact]
    public async Task AddSwarm_BadCheckpointOptions_FailValidationNamingEachProblem()
    {
        await using var host = new SwarmHost(options: o =>
        {
            o.Checkpoints.InterruptWait = TimeSpan.FromSeconds(-1);
            o.Checkpoints.InterruptTimeout = TimeSpan.Zero;
            o.Checkpoints.MaxBatchSize = 0;
            o.Checkpoints.CommitDelay = TimeSpan.FromMilliseconds(-1);
        });

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SwarmOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("InterruptWait", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("InterruptTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxBatchSize", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("CommitDelay", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddSwarm_CommitDelayOverTenSeconds_FailsValidationNamingIt()
    {
        await using var host = new SwarmHost(options: o => o.Checkpoints.CommitDelay = TimeSpan.FromSeconds(11));
        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SwarmOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("CommitDelay", StringComparison.Ordinal) && f.Contains("ten seconds", StringComparison.Ordinal));
    }
}
