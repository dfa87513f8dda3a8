using BenchmarkDotNet.Attributes;
using Swarm;
using Swarm.Gates;

namespace Swarm.Gates.Benchmarks;

/// <summary>
/// The gate pipeline (shellcheck → shfmt) over 100 generated shell scripts, one artifact per script:
/// every tool process one after another (guardrail of 1) against as many at once as the hardware guardrail allows.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class GatePipelineBenchmarks
{
    private const int Scripts = 100;
    private string workspace = string.Empty;
    private GateContext[] contexts = [];
    private ProcessRunner serialRunner = null!;
    private ProcessRunner parallelRunner = null!;
    private GatePipeline serial = null!;
    private GatePipeline parallel = null!;

    [GlobalSetup]
    public void Setup()
    {
        workspace = Directory.CreateTempSubdirectory("swarm-gates-bench-").FullName;
        contexts = new GateContext[Scripts];
        for (var i = 0; i < Scripts; i++)
        {
            var name = $"script{i:D3}.sh";

            // Two in three scripts are clean (both gates run); the rest carry a lint or format defect.
            var body = (i % 3) switch
            {
                0 => $"#!/bin/sh\nset -eu\ncount={i}\nfor f in \"$@\"; do\n\tprintf '%s %s\\n' \"$count\" \"$f\"\ndone\n",
                1 => $"#!/bin/sh\nset -eu\nname=\"${{1:-world}}\"\nif [ -n \"$name\" ]; then\n\techo \"hello $name {i}\"\nfi\n",
                _ => i % 2 == 0 ? $"#!/bin/sh\necho $1 {i}\n" : $"#!/bin/sh\nif true; then\necho \"{i}\"\n    fi\n",
            };
            File.WriteAllText(Path.Combine(workspace, name), body);
            contexts[i] = new GateContext($"step-{i}", workspace) { Files = [name] };
        }

        serialRunner = new ProcessRunner(new ProcessRunnerOptions { MaxConcurrentProcesses = 1 });
        parallelRunner = new ProcessRunner();
        serial = new GatePipeline([new ShellCheckGate(serialRunner), new ShfmtGate(serialRunner)]);
        parallel = new GatePipeline([new ShellCheckGate(parallelRunner), new ShfmtGate(parallelRunner)]);
        Console.WriteLine($"// guardrail: {parallelRunner.MaxConcurrentProcesses} concurrent processes ({Environment.ProcessorCount} cores)");

        var check = parallel.EvaluateManyAsync(contexts).GetAwaiter().GetResult();
        if (check.Any(r => r.Category == FailureCategory.Infra))
        {
            throw new InvalidOperationException("shellcheck or shfmt is missing: run `bash eng/setup.sh`. " + check.First(r => r.Category == FailureCategory.Infra).FirstFailure?.Summary);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        serialRunner.Dispose();
        parallelRunner.Dispose();
        Directory.Delete(workspace, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<IReadOnlyList<GatePipelineResult>> Serial() => serial.EvaluateManyAsync(contexts);

    [Benchmark]
    public Task<IReadOnlyList<GatePipelineResult>> ParallelUnderGuardrail() => parallel.EvaluateManyAsync(contexts);
}
