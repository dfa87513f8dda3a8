using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Swarm.Gates;

/// <summary>
/// Runs gates in the seeds' order schema → shellcheck → format → lint → unit → integration. Gates of one stage do
/// not depend on each other and run in parallel; the stages run in order and, by default, stop after the first
/// stage with a failure. The process runner's hardware guardrail bounds how many tool processes run at once.
/// </summary>
/// <remarks>Thread-safe: one pipeline may evaluate many artifacts at once (<see cref="EvaluateManyAsync"/>).</remarks>
public sealed class GatePipeline
{
    private readonly IGate[][] stages;
    private readonly bool stopOnFirstFailure;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="GatePipeline"/> class.</summary>
    /// <param name="gates">The gates; their order within a stage is kept in the results.</param>
    /// <param name="stopOnFirstFailure">Whether later stages are skipped after a stage fails; when <see langword="false"/>, every gate runs at once.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses the system clock.</param>
    /// <param name="logger">The logger, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gates"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two gates share a name.</exception>
    public GatePipeline(IEnumerable<IGate> gates, bool stopOnFirstFailure = true, TimeProvider? timeProvider = null, ILogger<GatePipeline>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(gates);
        var list = gates.ToList();
        var duplicate = list.GroupBy(g => g.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two gates are named '{duplicate.Key}'; gate names must be unique.", nameof(gates));
        }

        Gates = list;
        stages = [.. list.GroupBy(StageOf).OrderBy(g => g.Key).Select(g => g.ToArray())];
        this.stopOnFirstFailure = stopOnFirstFailure;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the gates, as given.</summary>
    public IReadOnlyList<IGate> Gates { get; }

    /// <summary>Gets the stage a gate runs at: its declared stage, or <see cref="GateStage.Custom"/>.</summary>
    /// <param name="gate">The gate.</param>
    /// <returns>The stage.</returns>
    public static GateStage StageOf(IGate gate) => gate is IStagedGate staged ? staged.Stage : GateStage.Custom;

    /// <summary>Evaluates one artifact.</summary>
    /// <param name="context">The artifact.</param>
    /// <param name="cancellationToken">Cancels the evaluation; running tools are killed.</param>
    /// <returns>The results in stage order and the first failure's category.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public async Task<GatePipelineResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var activity = GatesDiagnostics.ActivitySource.StartActivity("gate pipeline");
        activity?.SetTag("swarm.step.id", context.StepId);
        var started = timeProvider.GetTimestamp();
        var results = new List<GateResult>();
        var notRun = new List<string>();

        if (stopOnFirstFailure)
        {
            foreach (var stage in stages)
            {
                if (results.Exists(r => !r.Passed))
                {
                    notRun.AddRange(stage.Select(g => g.Name));
                    continue;
                }

                results.AddRange(await Task.WhenAll(stage.Select(g => RunGateAsync(g, context, cancellationToken))).ConfigureAwait(false));
            }
        }
        else
        {
            var all = stages.SelectMany(s => s).Select(g => RunGateAsync(g, context, cancellationToken)).ToArray();
            results.AddRange(await Task.WhenAll(all).ConfigureAwait(false));
        }

        var result = new GatePipelineResult { StepId = context.StepId, Results = results, NotRun = notRun, Duration = timeProvider.GetElapsedTime(started) };
        activity?.SetTag("swarm.gate.outcome", result.Passed ? "passed" : "failed");
        activity?.SetTag("swarm.failure.category", result.Category.ToString().ToUpperInvariant());
        Log.PipelineEvaluated(logger, context.StepId, result.Passed ? "passed" : "failed", results.Count, result.Category);
        return result;
    }

    /// <summary>Evaluates many artifacts concurrently; the process runner's guardrail bounds the tool processes.</summary>
    /// <param name="contexts">The artifacts.</param>
    /// <param name="cancellationToken">Cancels every evaluation.</param>
    /// <returns>One result per artifact, in the order given.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="contexts"/> is <see langword="null"/>.</exception>
    public async Task<IReadOnlyList<GatePipelineResult>> EvaluateManyAsync(IEnumerable<GateContext> contexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        return await Task.WhenAll(contexts.Select(c => EvaluateAsync(c, cancellationToken))).ConfigureAwait(false);
    }

    private static async Task<GateResult> RunGateAsync(IGate gate, GateContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await gate.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A custom gate that throws is an infrastructure fault of that gate, not of the pipeline.
            return new GateResult
            {
                GateName = gate.Name,
                Passed = false,
                Category = FailureCategory.Infra,
                Summary = $"gate threw {ex.GetType().Name}: {ex.Message}",
                RawOutput = ex.ToString(),
                Diagnostics = [new GateDiagnostic($"gate '{gate.Name}' threw {ex.GetType().Name}: {ex.Message}") { RuleId = "infra" }],
            };
        }
    }
}
