using System.Text;

namespace Swarm;

/// <summary>Runs <see cref="StepKind.Graph"/> steps: the nested graph runs on the same executor, as a sub-agent of the step.</summary>
internal sealed class GraphStepHandler : IStepHandler
{
    public StepKind Kind => StepKind.Graph;

    public async ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var graph = context.Step.Graph ?? throw new StepFailureException(FailureCategory.Schema, $"Graph step '{context.StepId}' has no nested graph.");
        var result = await context.RunGraphAsync(graph, cancellationToken).ConfigureAwait(false);
        if (result.Status == SwarmRunStatus.Interrupted)
        {
            // A nested step waits for an answer (kept under the top-level run): this step suspends with it and, once
            // the run resumes, runs its graph again; the answered step then finds its answer and goes on.
            throw new StepInterruptedException($"The nested graph of step '{context.StepId}' waits for an answer to an interrupt of one of its steps.") { RunId = context.InterruptRunId };
        }

        if (result.Status != SwarmRunStatus.Succeeded)
        {
            var first = result.Failures.Count > 0 ? result.Failures[0] : null;
            var message = first is null
                ? $"The nested graph of step '{context.StepId}' ended {result.Status}."
                : $"The nested graph of step '{context.StepId}' failed at step '{first.StepId}' (attempt {first.Attempt}): {first.ExceptionType ?? first.Category.ToString()}: {first.Message}";
            throw new StepFailureException(first?.Category ?? FailureCategory.Logic, message, first?.Diagnostics);
        }

        return new StepOutput(CombineSinks(graph, result)) { SubRun = result.Metrics };
    }

    private static string? CombineSinks(TaskGraph graph, SwarmRunResult result)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in graph.Steps)
        {
            foreach (var dependency in step.DependsOn)
            {
                consumed.Add(dependency);
            }
        }

        var sinks = graph.Steps.Where(s => !consumed.Contains(s.Id)).ToList();
        if (sinks.Count == 1)
        {
            return result.GetOutput(sinks[0].Id);
        }

        var text = new StringBuilder();
        foreach (var sink in sinks)
        {
            if (text.Length > 0)
            {
                text.AppendLine().AppendLine();
            }

            text.Append("## ").AppendLine(sink.Id).Append(result.GetOutput(sink.Id));
        }

        return text.ToString();
    }
}
