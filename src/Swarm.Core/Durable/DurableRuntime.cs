using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>What durable runs add to the executor: interrupts, the journal of non-idempotent tool calls, and the step cache.</summary>
/// <remarks>Thread-safe; one per service provider.</remarks>
internal sealed class DurableRuntime : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<(string RunId, string InterruptId), TaskCompletionSource<string>> _waiters = new();
    private readonly ConcurrentDictionary<string, int> _suspended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string RunId, string StepId, string Tool), bool> _refused = new();
    private readonly ConditionalWeakTable<StepContext, StrongBox<int>> _ordinals = new();
    private readonly CheckpointOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;

    public DurableRuntime(ICheckpointStore store, IOptions<SwarmOptions> options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Store = store as IDurableCheckpointStore;
        _options = options.Value.Checkpoints;
        _timeProvider = timeProvider;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Swarm.DurableRuns");
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(SwarmDiagnostics.MeterName) ?? new Meter(SwarmDiagnostics.MeterName);
        _cacheHits = _meter.CreateCounter<long>(SwarmDiagnostics.StepCacheHits, "{step}", "Steps whose output came from the step cache.");
        _cacheMisses = _meter.CreateCounter<long>(SwarmDiagnostics.StepCacheMisses, "{step}", "Cacheable steps that ran because the cache had no output for them.");
    }

    /// <summary>Gets the durable store, or <see langword="null"/> when checkpoints are kept in memory only.</summary>
    public IDurableCheckpointStore? Store { get; }

    /// <summary>Gets the id of this process's executor instance, written with each tool-journal entry.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    public CheckpointOptions Options => _options;

    public ILogger Logger => _logger;

    public IDurableCheckpointStore RequireStore() => Store ?? throw new InvalidOperationException(
        "This feature needs a durable checkpoint store: set SwarmOptions.Checkpoints.Path (a file, or \":memory:\") in AddSwarm, or register an ICheckpointStore that supports history and interrupts.");

    /// <summary>Records that a step of the run suspended on an interrupt.</summary>
    public void MarkSuspended(string runId) => _suspended.AddOrUpdate(runId, 1, static (_, n) => n + 1);

    /// <summary>At the end of a run: returns whether a step of it suspended on an interrupt, and forgets what this process kept for it.</summary>
    public bool TakeSuspended(string runId)
    {
        if (!_refused.IsEmpty)
        {
            foreach (var key in _refused.Keys)
            {
                if (key.RunId == runId)
                {
                    _refused.TryRemove(key, out _);
                }
            }
        }

        return _suspended.TryRemove(runId, out _);
    }

    public async Task<string> AskAsync(StepContext context, string question, string? defaultAnswer, CancellationToken cancellationToken)
    {
        var ordinal = Interlocked.Increment(ref _ordinals.GetOrCreateValue(context).Value);
        return await AskAsync(context.InterruptRunId, context.StepId, context.StepId + "#" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture), question, defaultAnswer, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> AskAsync(string runId, string stepId, string interruptId, string question, string? defaultAnswer, CancellationToken cancellationToken)
    {
        var interrupt = await WaitForAnswerAsync(runId, stepId, interruptId, question, defaultAnswer, _options.InterruptTimeout, cancellationToken).ConfigureAwait(false);
        return interrupt.Status == InterruptStatus.Expired ? throw Expired(interrupt) : interrupt.Answer ?? string.Empty;
    }

    /// <summary>
    /// Asks (once: an existing interrupt of that id is reused) and returns the interrupt once it is answered or expired;
    /// throws <see cref="StepInterruptedException"/> when no answer comes within <see cref="CheckpointOptions.InterruptWait"/>.
    /// </summary>
    public async Task<SwarmInterrupt> WaitForAnswerAsync(string runId, string stepId, string interruptId, string question, string? defaultAnswer, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var store = RequireStore();
        var now = _timeProvider.GetUtcNow();
        var interrupt = await store.GetInterruptAsync(runId, interruptId, cancellationToken).ConfigureAwait(false);
        if (interrupt is null)
        {
            interrupt = await store.AddInterruptAsync(
                new SwarmInterrupt
                {
                    RunId = runId,
                    InterruptId = interruptId,
                    StepId = stepId,
                    Question = question,
                    CreatedAt = now,
                    ExpiresAt = timeout is { } limit ? now + limit : null,
                },
                cancellationToken).ConfigureAwait(false);
            Log.InterruptRaised(_logger, runId, stepId, interruptId);
            Activity.Current?.AddEvent(new ActivityEvent(SwarmDiagnostics.InterruptEventName, tags: new ActivityTagsCollection { [SwarmDiagnostics.InterruptIdTag] = interruptId }));
        }

        var key = (runId, interruptId);
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[key] = waiter;
        try
        {
            while (true)
            {
                // Read again after registering the waiter: an answer given in between is not missed.
                interrupt = await store.GetInterruptAsync(runId, interruptId, cancellationToken).ConfigureAwait(false) ?? interrupt;
                switch (interrupt.Status)
                {
                    case InterruptStatus.Answered:
                    case InterruptStatus.Expired:
                        return interrupt;
                }

                now = _timeProvider.GetUtcNow();
                if (interrupt.ExpiresAt is { } expires && expires <= now)
                {
                    if (_options.OnInterruptTimeout == InterruptTimeoutAction.UseDefaultAnswer && defaultAnswer is not null)
                    {
                        Log.InterruptExpired(_logger, runId, interruptId, InterruptTimeoutAction.UseDefaultAnswer);
                        interrupt = await store.AnswerInterruptAsync(runId, interruptId, defaultAnswer, now, InterruptStatus.Answered, cancellationToken).ConfigureAwait(false) ?? interrupt;
                        continue;
                    }

                    Log.InterruptExpired(_logger, runId, interruptId, InterruptTimeoutAction.Fail);
                    interrupt = await store.AnswerInterruptAsync(runId, interruptId, string.Empty, now, InterruptStatus.Expired, cancellationToken).ConfigureAwait(false) ?? interrupt;
                    continue;
                }

                var wait = _options.InterruptWait;
                if (interrupt.ExpiresAt is { } deadline && deadline - now < wait)
                {
                    wait = deadline - now;
                }

                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(wait, _timeProvider, delayCts.Token);
                var first = await Task.WhenAny(waiter.Task, delay).ConfigureAwait(false);
                await delayCts.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (first == waiter.Task)
                {
                    continue;
                }

                if (interrupt.ExpiresAt is null || _timeProvider.GetUtcNow() < interrupt.ExpiresAt)
                {
                    break;
                }
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<(string, string), TaskCompletionSource<string>>(key, waiter));
        }

        throw new StepInterruptedException($"Step '{stepId}' waits for the answer to interrupt '{interruptId}': {question}") { RunId = runId, InterruptId = interruptId };
    }

    private static StepFailureException Expired(SwarmInterrupt interrupt) =>
        new(FailureCategory.Timeout, $"Interrupt '{interrupt.InterruptId}' of step '{interrupt.StepId}' expired unanswered at {interrupt.AnsweredAt ?? interrupt.ExpiresAt:O}.");

    /// <summary>Answers an interrupt (durably), and wakes the step if it waits in this process.</summary>
    public async Task<SwarmInterrupt> AnswerAsync(string runId, string interruptId, string answer, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(interruptId);
        ArgumentNullException.ThrowIfNull(answer);
        var store = RequireStore();
        var stored = await store.AnswerInterruptAsync(runId, interruptId, answer, _timeProvider.GetUtcNow(), InterruptStatus.Answered, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Run '{runId}' has no interrupt '{interruptId}'.");
        if (stored.Status == InterruptStatus.Expired)
        {
            throw new InvalidOperationException($"Interrupt '{interruptId}' of run '{runId}' expired at {stored.AnsweredAt:O}; it can no longer be answered.");
        }

        if (!string.Equals(stored.Answer, answer, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Interrupt '{interruptId}' of run '{runId}' was already answered with a different answer; an answer is final.");
        }

        Log.InterruptAnswered(_logger, runId, interruptId);
        if (_waiters.TryGetValue((runId, interruptId), out var waiter))
        {
            waiter.TrySetResult(answer);
        }

        return stored;
    }

    /// <summary>Calls a non-idempotent tool through the journal: a call that finished before a restart returns its recorded result; one that was in flight follows the policy.</summary>
    public async ValueTask<ToolResult> InvokeJournaledAsync(ITool tool, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (Store is not { } store || invocation.RunId is not { } runId)
        {
            return await tool.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }

        if (_refused.ContainsKey((runId, invocation.StepId, tool.Name)))
        {
            throw new StepFailureException(FailureCategory.Infra, $"Non-idempotent tool '{tool.Name}' of step '{invocation.StepId}' was in flight when the process stopped and is not called again.");
        }

        var callKey = invocation.StepId + "|" + invocation.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|" + tool.Name + "|" + HashArguments(invocation.Arguments);
        var previous = await store.GetToolCallAsync(runId, callKey, cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.Epoch != Epoch)
        {
            if (previous.Finished && previous.Result is { } recorded)
            {
                // It ran to its end before the restart: hand back what it returned, do not run it twice.
                return JsonSerializer.Deserialize(recorded, DurableJsonContext.Default.ToolResult)!;
            }

            var policy = _options.InFlightNonIdempotentTools;
            Log.InFlightToolFound(_logger, runId, invocation.StepId, tool.Name, policy);
            if (policy == InFlightToolPolicy.RequireApproval)
            {
                var answer = await AskAsync(
                    runId,
                    invocation.StepId,
                    invocation.StepId + "#approve-" + tool.Name + "-" + invocation.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + previous.Epoch[..8],
                    $"Non-idempotent tool '{tool.Name}' of step '{invocation.StepId}' was running when the process stopped; it may or may not have taken effect. Call it again? (yes/no)",
                    defaultAnswer: null,
                    cancellationToken).ConfigureAwait(false);
                policy = IsYes(answer) ? InFlightToolPolicy.RunAgain : InFlightToolPolicy.Fail;
            }

            if (policy == InFlightToolPolicy.Fail)
            {
                _refused[(runId, invocation.StepId, tool.Name)] = true;
                throw new StepFailureException(FailureCategory.Infra, $"Non-idempotent tool '{tool.Name}' of step '{invocation.StepId}' was in flight when the process stopped and is not called again (InFlightToolPolicy.Fail or approval refused).");
            }
        }

        // The start is durable before the call: a crash during the call leaves an entry the next process finds.
        await store.BeginToolCallAsync(runId, callKey, Epoch, cancellationToken).ConfigureAwait(false);
        ToolResult result;
        try
        {
            result = await tool.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (StepInterruptedException)
        {
            // The tool suspended itself to ask a question (before acting, by contract): the call did not happen.
            await store.ForgetToolCallAsync(runId, callKey, Epoch, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await store.EndToolCallAsync(runId, callKey, Epoch, JsonSerializer.Serialize(result, DurableJsonContext.Default.ToolResult), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Returns whether an answer approves: <c>yes</c>, <c>y</c>, <c>approve</c>, <c>approved</c> or <c>true</c>, in any case, surrounding white space ignored.</summary>
    public static bool IsYes(string? answer) =>
        answer?.Trim() is { } a && (a.Equals("yes", StringComparison.OrdinalIgnoreCase) || a.Equals("y", StringComparison.OrdinalIgnoreCase) || a.Equals("approve", StringComparison.OrdinalIgnoreCase) || a.Equals("approved", StringComparison.OrdinalIgnoreCase) || a.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static string HashArguments(IReadOnlyDictionary<string, string> arguments)
    {
        if (arguments.Count == 0)
        {
            return "-";
        }

        var builder = new StringBuilder();
        foreach (var pair in arguments.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(pair.Key).Append('\0').Append(pair.Value).Append('\0');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())), 0, 8);
    }

    /// <summary>Runs a step handler through the step cache when the step declares a cache policy and the store is durable.</summary>
    public async ValueTask<StepOutput?> ExecuteCachedAsync(IStepHandler handler, StepContext context, CancellationToken cancellationToken)
    {
        var policy = context.Step.Cache;
        if (policy is null || Store is not { } store)
        {
            return await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var key = StepCacheKey.Compute(context.Step, context.Role, context.Inputs, policy);
        var now = _timeProvider.GetUtcNow();
        var kindTag = new KeyValuePair<string, object?>(SwarmDiagnostics.StepKindTag, context.Step.Kind.ToString().ToLowerInvariant());
        var hit = await store.GetCachedAsync(key, now, cancellationToken).ConfigureAwait(false);
        if (hit is not null)
        {
            _cacheHits.Add(1, kindTag);
            Activity.Current?.SetTag(SwarmDiagnostics.CacheHitTag, true);
            Activity.Current?.SetTag(SwarmDiagnostics.CacheKeyTag, key);
            Log.StepCacheHit(_logger, context.RunId, context.StepId, key);
            return new StepOutput(hit.Output) { Files = hit.Files };
        }

        _cacheMisses.Add(1, kindTag);
        Activity.Current?.SetTag(SwarmDiagnostics.CacheHitTag, false);
        var output = await handler.ExecuteAsync(context, cancellationToken).ConfigureAwait(false) ?? StepOutput.Empty;
        await store.PutCachedAsync(key, new CachedStepOutput(output.Text, output.Files, now, policy.TimeToLive is { } ttl ? now + ttl : null), cancellationToken).ConfigureAwait(false);
        return output;
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
