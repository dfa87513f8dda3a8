namespace Swarm.Core.CrashHost;

/// <summary>A procedure step that calls the non-idempotent <c>charge</c> tool, then (when told to hang) blocks before it completes.</summary>
internal sealed class ChargingHandler(TaskCompletionSource? hangBeforeCompletion) : IStepHandler
{
    public StepKind Kind => StepKind.Procedure;

    public async ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var receipt = await context.InvokeToolAsync("charge", new Dictionary<string, string> { ["amount"] = "42" }, cancellationToken);
        if (hangBeforeCompletion is not null)
        {
            Console.WriteLine("EFFECT " + context.StepId);
            await hangBeforeCompletion.Task.WaitAsync(cancellationToken);
        }

        return new StepOutput("confirmed " + receipt.Output);
    }
}
