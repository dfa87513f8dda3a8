using System.Collections.Concurrent;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace Swarm.Core.Tests.Execution;

public sealed class SwarmExecutorPropertyTests
{
    [Fact]
    public async Task RunAsync_RandomDags_EveryStepRunsOnceAndOnlyAfterAllItsDependencies()
    {
        var completed = new ConcurrentDictionary<string, int>();
        var violations = new ConcurrentBag<string>();
        var handler = new DelegateStepHandler(StepKind.Llm, async (ctx, ct) =>
        {
            foreach (var dependency in ctx.Step.DependsOn)
            {
                if (!completed.ContainsKey(dependency))
                {
                    violations.Add($"{ctx.StepId} started before {dependency} completed");
                }
            }

            if (ctx.StepId.GetHashCode(StringComparison.Ordinal) % 3 == 0)
            {
                await Task.Yield();
            }

            completed.AddOrUpdate(ctx.StepId, 1, (_, n) => n + 1);
            return new StepOutput(ctx.StepId);
        });
        await using var host = new SwarmHost(s => s.AddSingleton<IStepHandler>(handler), o => o.MaxParallelAgents = 4);

        // A random DAG: step i may depend on any earlier step; the list is shuffled so order says nothing.
        var dags = Gen.Int[1, 40].SelectMany(n => Gen.Int[0, 100].Array[n].SelectMany(density =>
            Gen.Int.Array[n * n].Select(bits => (n, density, bits))));
        await dags.SampleAsync(
            async dag =>
            {
                var (n, density, bits) = dag;
                completed.Clear();
                violations.Clear();
                var steps = new List<TaskStep>();
                for (var i = 0; i < n; i++)
                {
                    var dependsOn = new List<string>();
                    for (var j = 0; j < i; j++)
                    {
                        if ((uint)bits[(i * n) + j] % 100 < (uint)density[i] / 2)
                        {
                            dependsOn.Add($"s{j}");
                        }
                    }

                    steps.Add(new TaskStep { Id = $"s{i}", Role = "worker", DependsOn = dependsOn });
                }

                var shuffled = steps.OrderBy(s => (uint)bits[int.Parse(s.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) % bits.Length]).ToList();
                var result = await host.Executor.RunAsync(new TaskGraph { Id = "dag", Steps = shuffled });

                Assert.Equal(SwarmRunStatus.Succeeded, result.Status);
                Assert.Empty(violations);
                Assert.Equal(n, completed.Count);
                Assert.All(completed.Values, count => Assert.Equal(1, count));
                Assert.Equal(n, result.Steps.Count);
                Assert.InRange(result.Metrics.CriticalSteps, 1, n);
            },
            iter: 150,
            threads: 1);
    }
}
