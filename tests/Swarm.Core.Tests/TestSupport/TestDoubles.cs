using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Swarm.Core.Tests;

/// <summary>A scripted chat client: each call goes to <see cref="OnGetResponse"/>; every request is recorded.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly List<IReadOnlyList<ChatMessage>> _requests = [];

    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<string>> OnGetResponse { get; set; } =
        (messages, _, _) => Task.FromResult("echo: " + messages[^1].Text);

    public IReadOnlyList<IReadOnlyList<ChatMessage>> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_requests)
        {
            _requests.Add(list);
        }

        var text = await OnGetResponse(list, options, cancellationToken);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

/// <summary>A tool whose behavior is a delegate.</summary>
public sealed class DelegateTool(string name, Func<ToolInvocation, CancellationToken, ValueTask<ToolResult>> invoke, bool idempotent = true) : ITool
{
    public string Name { get; } = name;

    public bool IsIdempotent { get; } = idempotent;

    public ValueTask<ToolResult> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken = default) => invoke(invocation, cancellationToken);
}

/// <summary>A step handler whose behavior is a delegate.</summary>
public sealed class DelegateStepHandler(StepKind kind, Func<StepContext, CancellationToken, ValueTask<StepOutput>> execute) : IStepHandler
{
    public StepKind Kind { get; } = kind;

    public ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken) => execute(context, cancellationToken);
}

/// <summary>A gate whose verdict is a delegate.</summary>
public sealed class DelegateGate(string name, Func<GateContext, GateResult> evaluate) : IGate
{
    public string Name { get; } = name;

    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken = default) => Task.FromResult(evaluate(context));
}

/// <summary>A checkpoint store that records every call.</summary>
public sealed class RecordingCheckpointStore : ICheckpointStore
{
    public List<string> Calls { get; } = [];

    public List<StepRecord> Saved { get; } = [];

    public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add("start " + state.RunId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add("step " + record.StepId);
            Saved.Add(record);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default)
    {
        lock (Calls)
        {
            Calls.Add("complete " + status);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default) => ValueTask.FromResult<SwarmRunState?>(null);
}
