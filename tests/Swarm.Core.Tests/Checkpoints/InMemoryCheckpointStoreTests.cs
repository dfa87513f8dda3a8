using Microsoft.Extensions.Time.Testing;

namespace Swarm.Core.Tests.Checkpoints;

public sealed class InMemoryCheckpointStoreTests
{
    [Fact]
    public async Task LoadAsync_FailedRun_ReturnsItsGraphAndCompletedSteps()
    {
        var store = new InMemoryCheckpointStore(new FakeTimeProvider());
        await store.StartRunAsync(new SwarmRunState { RunId = "r", Graph = new TaskGraph { Id = "g" } });
        await store.SaveStepAsync("r", new StepRecord { StepId = "a", Status = StepStatus.Succeeded, Output = "x" });
        await store.CompleteRunAsync("r", SwarmRunStatus.Failed);

        var state = await store.LoadAsync("r");

        Assert.Equal(("g", SwarmRunStatus.Failed), (state!.Graph.Id, state.Status));
        Assert.Equal("x", Assert.Single(state.Steps).Output);
    }

    [Fact]
    public async Task CompleteRunAsync_Succeeded_DropsTheRun()
    {
        var store = new InMemoryCheckpointStore(new FakeTimeProvider());
        await store.StartRunAsync(new SwarmRunState { RunId = "r" });

        await store.CompleteRunAsync("r", SwarmRunStatus.Succeeded);

        Assert.Null(await store.LoadAsync("r"));
    }

    [Fact]
    public async Task StartRunAsync_ManyUnfinishedRuns_KeepsOnlyTheMostRecent()
    {
        var store = new InMemoryCheckpointStore(new FakeTimeProvider());
        for (var i = 0; i < InMemoryCheckpointStore.MaxRetainedRuns + 10; i++)
        {
            await store.StartRunAsync(new SwarmRunState { RunId = $"r{i}" });
        }

        Assert.Null(await store.LoadAsync("r0"));
        Assert.Null(await store.LoadAsync("r9"));
        Assert.NotNull(await store.LoadAsync("r10"));
        Assert.NotNull(await store.LoadAsync($"r{InMemoryCheckpointStore.MaxRetainedRuns + 9}"));
    }
}
