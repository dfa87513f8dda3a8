using System.Security.Cryptography;
using System.Text;

namespace Swarm.Core.CrashHost;

/// <summary>A no-op tool that records each execution and returns a digest of its step id and inputs (so outputs depend on the whole chain).</summary>
internal sealed class RecordingTool(string name, bool idempotent, ExecutionLog log, TaskCompletionSource? hangAfterEffect = null, int latencyMs = 0) : ITool
{
    public string Name => name;

    public bool IsIdempotent => idempotent;

    public async ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default)
    {
        if (latencyMs > 0)
        {
            await Task.Delay(latencyMs, cancellationToken);
        }

        log.Append(invocation.StepId, name);
        if (hangAfterEffect is not null)
        {
            // The effect happened; the process is killed before the step's completion is checkpointed.
            Console.WriteLine("EFFECT " + invocation.StepId);
            await hangAfterEffect.Task.WaitAsync(cancellationToken);
        }

        return ToolResult.Success(Digest(invocation.StepId, invocation.Inputs));
    }

    public static string Digest(string stepId, IReadOnlyDictionary<string, string?> inputs)
    {
        var text = new StringBuilder(stepId);
        foreach (var pair in inputs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('|').Append(pair.Key).Append('=').Append(pair.Value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8);
    }
}
