namespace Swarm;

/// <summary>Runs <see cref="StepKind.Tool"/> steps: calls the named <see cref="ITool"/> under the tool-call limit.</summary>
internal sealed class ToolStepHandler : IStepHandler
{
    private static readonly Dictionary<string, string> NoArguments = [];

    public StepKind Kind => StepKind.Tool;

    public async ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.Step;
        var arguments = step.Args is null ? NoArguments : step.Args as IReadOnlyDictionary<string, string> ?? new Dictionary<string, string>(step.Args);
        var result = await context.InvokeToolAsync(step.Tool!, arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new StepFailureException(result.Category == FailureCategory.None ? FailureCategory.Infra : result.Category, result.Error ?? $"Tool '{step.Tool}' failed.", result.Diagnostics);
        }

        return result.Output is null && result.Files.Count == 0 ? StepOutput.Empty : new StepOutput(result.Output) { Files = result.Files };
    }
}
