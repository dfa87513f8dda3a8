using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using static Swarm.Core.Tests.Graphs;

namespace Swarm.Core.Tests.Durable;

public sealed class CheckpointOrderingTests
{
    [Fact]
    public async Task RunStreamingAsync_StepCompleted_IsReportedOnlyAfterItsCheckpointIsStored()
    {
        var store = new SlowStore();
        await using var host = new SwarmHost(s =>
        {
            s.AddSingleton<ICheckpointStore>(store);
            s.AddSingleton<IStepHandler>(new DelegateStepHandler(StepKind.Llm, (ctx, _) => ValueTask.FromResult(new StepOutput(ctx.StepId))));
        });

        var completed = 0;
        await foreach (var e in host.Executor.RunStreamingAsync(Graph(Step("a"), Step("b", "a"), Step("c"), Step("d", "b", "c"))))
        {
            if (e.Kind == SwarmEventKind.StepCompleted)
            {
                completed++;
                Assert.True(store.Stored.ContainsKey(e.StepId!), $"Step {e.StepId} was reported complete before its checkpoint was stored.");
            }
        }

        Assert.Equal(4, completed);
    }

    private sealed class SlowStore : ICheckpointStore
    {
        public ConcurrentDictionary<string, StepRecord> Stored { get; } = new();

        public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default)
        {
            await Task.Delay(20, cancellationToken);
            Stored[record.StepId] = record;
        }

        public ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default) => ValueTask.FromResult<SwarmRunState?>(null);
    }
}
