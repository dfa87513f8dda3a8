using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Swarm;

/// <summary>The default <see cref="ISwarmExecutor"/>: dependency-driven scheduling, no superstep barrier.</summary>
internal sealed class SwarmExecutor : ISwarmExecutor, IDisposable
{
    private static readonly string[] KindNames = ["llm", "tool", "procedure", "graph"];
    private readonly IStepHandler?[] _handlers = new IStepHandler?[4];
    private readonly Dictionary<string, ITool> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IGate> _gates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SwarmRole> _roles = new(StringComparer.Ordinal);
    private readonly HashSet<StepKind> _kinds = [];
    private readonly IFailureRouter _failureRouter;
    private readonly IRoleRouter _roleRouter;
    private readonly ICheckpointStore _checkpoints;
    private readonly SwarmInstruments _instruments;
    private readonly SemaphoreSlim _toolCalls;
    private readonly DurableRuntime? _durable;
    private readonly AutonomyEnforcer _autonomy;

    public SwarmExecutor(
        IServiceProvider services,
        IOptions<SwarmOptions> options,
        IFailureRouter failureRouter,
        IRoleRouter roleRouter,
        ICheckpointStore checkpointStore,
        IEnumerable<IStepHandler> handlers,
        IEnumerable<ITool> tools,
        IEnumerable<IGate> gates,
        TimeProvider timeProvider,
        ILogger<SwarmExecutor> logger,
        SwarmInstruments instruments)
    {
        Services = services;
        Options = options.Value;
        _failureRouter = failureRouter;
        _roleRouter = roleRouter;
        _checkpoints = checkpointStore;
        TimeProvider = timeProvider;
        Logger = logger;
        _instruments = instruments;
        _durable = services.GetService(typeof(DurableRuntime)) as DurableRuntime;
        _autonomy = new AutonomyEnforcer(services.GetService(typeof(IAutonomyGate)) as IAutonomyGate ?? new RiskAutonomyGate(Options.Autonomy), Options, _durable, logger, instruments);
        // A host's handler replaces the built-in one of its kind (registered before or after AddSwarm);
        // among several host handlers for one kind, the last registered wins.
        foreach (var handler in handlers)
        {
            var builtIn = handler is LlmStepHandler or ToolStepHandler or GraphStepHandler;
            if (!builtIn || _handlers[(int)handler.Kind] is null)
            {
                _handlers[(int)handler.Kind] = handler;
            }

            _kinds.Add(handler.Kind);
        }

        foreach (var tool in tools)
        {
            _tools[tool.Name] = tool;
        }

        foreach (var gate in gates)
        {
            _gates[gate.Name] = gate;
        }

        foreach (var role in Options.Roles)
        {
            _roles[role.Name] = role;
        }

        _toolCalls = new SemaphoreSlim(Options.MaxConcurrentToolCalls, Options.MaxConcurrentToolCalls);
        Validator = new TaskGraphValidator
        {
            KnownRoles = Options.ValidateRoles ? new HashSet<string>(_roles.Keys, StringComparer.Ordinal) : null,
            KnownTools = new HashSet<string>(_tools.Keys, StringComparer.Ordinal),
            KnownGates = new HashSet<string>(_gates.Keys, StringComparer.Ordinal),
            SupportedKinds = _kinds,
        };
    }

    public IServiceProvider Services { get; }

    public SwarmOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public TaskGraphValidator Validator { get; }

    public async Task<SwarmRunResult> RunAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        EnsureValid(graph);
        return await RunCoreAsync(graph, options, events: null, prefix: string.Empty, nested: false, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<SwarmEvent> RunStreamingAsync(TaskGraph graph, SwarmRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        EnsureValid(graph);
        return StreamAsync(graph, options, cancellationToken);
    }

    private async IAsyncEnumerable<SwarmEvent> StreamAsync(TaskGraph graph, SwarmRunOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<SwarmEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        var run = Task.Run(
            async () =>
            {
                try
                {
                    var result = await RunCoreAsync(graph, options, channel.Writer, string.Empty, nested: false, token).ConfigureAwait(false);
                    channel.Writer.TryComplete();
                    return result;
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                    throw;
                }
            },
            CancellationToken.None);

        var finished = false;
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return item;
            }

            finished = true;
        }
        finally
        {
            if (!finished && !run.IsCompleted)
            {
                // The caller stopped listening: cancel the run rather than leave it running unobserved.
                await linked.CancelAsync().ConfigureAwait(false);
                await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await run.ConfigureAwait(false);
    }

    internal async Task<SwarmRunResult> RunNestedAsync(SwarmRun parentRun, StepNode node, TaskGraph graph, CancellationToken cancellationToken)
    {
        EnsureValid(graph);
        var nestedRunId = parentRun.RunId + "/" + node.QualifiedId;
        return await RunCoreAsync(graph, new SwarmRunOptions { RunId = nestedRunId, WorkspaceDirectory = parentRun.WorkspaceDirectory }, parentRun.Events, node.QualifiedId + "/", nested: true, cancellationToken, parentRun).ConfigureAwait(false);
    }

    private async Task<SwarmRunResult> RunCoreAsync(TaskGraph graph, SwarmRunOptions? options, ChannelWriter<SwarmEvent>? events, string prefix, bool nested, CancellationToken cancellationToken, SwarmRun? parent = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var runId = options?.RunId ?? options?.ResumeFrom?.RunId ?? Guid.NewGuid().ToString("N");
        var workspace = options?.WorkspaceDirectory ?? Options.WorkspaceDirectory ?? Directory.GetCurrentDirectory();
        CancellationTokenSource? budgetCts = null;
        CancellationTokenSource? linked = null;
        var token = cancellationToken;
        if (graph.Budget?.MaxDuration is { } maxDuration)
        {
            budgetCts = new CancellationTokenSource(maxDuration, TimeProvider);
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budgetCts.Token);
            token = linked.Token;
        }

        try
        {
            var checkpoint = Options.EnableCheckpoints && !nested;
            var run = new SwarmRun(this, graph, runId, workspace, prefix, events, checkpoint, options?.ResumeFrom, token, parent);
            run.Build();
            using var activity = SwarmInstruments.ActivitySource.StartActivity(SwarmDiagnostics.RunActivityName, ActivityKind.Internal);
            if (activity is not null)
            {
                activity.SetTag(SwarmDiagnostics.RunIdTag, runId);
                activity.SetTag("swarm.graph.id", graph.Id);
                activity.SetTag("swarm.graph.steps", graph.Steps.Count);
                run.Activity = activity;
            }

            if (!nested)
            {
                Log.RunStarted(Logger, runId, graph.Id, graph.Steps.Count);
            }

            run.MarkStart();
            var startedAt = run.StartedAt;
            if (checkpoint)
            {
                await SaveStartAsync(run, options?.ResumeFrom, startedAt).ConfigureAwait(false);
            }

            if (!nested)
            {
                run.Emit(SwarmEventKind.RunStarted, null);
            }

            await run.StartAsync().ConfigureAwait(false);
            await run.Completion.ConfigureAwait(false);
            var (records, failures) = run.Snapshot();
            var status = failures.Count > 0 || records.Exists(r => r.Status == StepStatus.Failed)
                ? SwarmRunStatus.Failed
                : records.Exists(r => r.Status == StepStatus.Canceled) || token.IsCancellationRequested ? SwarmRunStatus.Canceled : SwarmRunStatus.Succeeded;
            if (_durable?.TakeSuspended(runId) == true && status == SwarmRunStatus.Canceled && !token.IsCancellationRequested)
            {
                status = SwarmRunStatus.Interrupted;
            }

            // An ordered store commits the final status behind the run's last records, often in the same transaction.
            var queue = checkpoint ? run.CheckpointQueue : null;
            if (queue is not null)
            {
                run.QueueComplete(queue, status);
            }

            if (checkpoint)
            {
                // Queued records (an ordered store) are durable, and their steps reported complete, before the run ends.
                await run.DrainCheckpointsAsync().ConfigureAwait(false);
            }

            var wall = run.Elapsed;

            var result = new SwarmRunResult
            {
                RunId = runId,
                GraphId = graph.Id,
                Status = status,
                ReplanRequested = run.ReplanRequested,
                StartedAt = run.StartedAt,
                WallTime = wall,
                Steps = records,
                Failures = failures,
            };

            if (checkpoint && queue is null)
            {
                try
                {
                    await _checkpoints.CompleteRunAsync(runId, status, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Checkpointing is best effort once the run has ended; the fault is logged.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.CheckpointFailed(Logger, ex, runId);
                }
            }

            if (activity is not null)
            {
                activity.SetTag(SwarmDiagnostics.StatusTag, status.ToString());
                activity.SetTag("swarm.steps.total", result.Metrics.TotalSteps);
                activity.SetTag("swarm.steps.critical", result.Metrics.CriticalSteps);
                if (status != SwarmRunStatus.Succeeded)
                {
                    activity.SetStatus(ActivityStatusCode.Error, failures.Count > 0 ? failures[0].ToString() : status.ToString());
                }
            }

            if (!nested)
            {
                _instruments.RunDuration.Record(wall.TotalSeconds, new KeyValuePair<string, object?>(SwarmDiagnostics.StatusTag, status.ToString()));
                if (Logger.IsEnabled(LogLevel.Information))
                {
                    Log.RunCompleted(Logger, runId, status, wall.TotalSeconds, result.Metrics.TotalSteps, result.Metrics.CriticalSteps);
                }
                events?.TryWrite(new SwarmEvent { Kind = SwarmEventKind.RunCompleted, RunId = runId, Timestamp = TimeProvider.GetUtcNow(), Elapsed = wall, Duration = wall, Result = result });
            }

            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
        finally
        {
            linked?.Dispose();
            budgetCts?.Dispose();
        }
    }

    /// <summary>Gets the store's ordered write queue, when it has one (see <see cref="IOrderedCheckpointQueue"/>).</summary>
    internal IOrderedCheckpointQueue? CheckpointQueue => _checkpoints as IOrderedCheckpointQueue;

    private async ValueTask SaveStartAsync(SwarmRun run, SwarmRunState? resumed, DateTimeOffset startedAt)
    {
        var state = new SwarmRunState
        {
            RunId = run.RunId,
            Graph = run.Graph,
            Status = SwarmRunStatus.Running,
            StartedAt = resumed?.StartedAt ?? startedAt,
            UpdatedAt = startedAt,
            Steps = resumed is null ? [] : [.. resumed.Steps.Where(s => s.Status == StepStatus.Succeeded)],
        };
        if (run.CheckpointQueue is { } queue)
        {
            // Queued ahead of every step record of the run; the store serializes the graph off this path.
            run.QueueStart(queue, state);
            return;
        }

        try
        {
            await _checkpoints.StartRunAsync(state, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing store must not stop the run; the fault is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(Logger, ex, run.RunId);
        }
    }

    internal async ValueTask SaveCheckpointAsync(SwarmRun run, StepNode node, StepRecord record)
    {
        try
        {
            await _checkpoints.SaveStepAsync(run.RunId, record, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing store must not stop the run; the fault is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CheckpointFailed(Logger, ex, run.RunId);
        }

        if (record.Status == StepStatus.Succeeded)
        {
            run.Emit(SwarmEventKind.StepCompleted, node, record.Attempts, record.Role, record.Duration);
        }
    }

    /// <summary>Runs a step's attempts (handler, gates, failure routing) and completes it; returns the next ready step to run inline.</summary>
    internal async ValueTask<StepNode?> RunStepAsync(SwarmRun run, StepNode node)
    {
        var step = node.Step;
        node.StartTimestamp = TimeProvider.GetTimestamp();
        node.StartOffset = TimeProvider.GetElapsedTime(run.StartTimestamp, node.StartTimestamp);
        node.Status = StepStatus.Running;
        string role;
        if (!string.IsNullOrEmpty(step.Role))
        {
            role = step.Role;
        }
        else
        {
            try
            {
                role = (await _roleRouter.RouteAsync(step, run.Token).ConfigureAwait(false)).Role;
            }
            catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
            {
                return await run.CancelAsync(node).ConfigureAwait(false);
            }
        }

        var handler = _handlers[(int)step.Kind]!;
        var timeout = step.Timeout ?? Options.DefaultStepTimeout;
        string? feedback = null;
        StepFailure? previous = null;
        StepFailure? finalFailure = null;
        var kindTag = new KeyValuePair<string, object?>(SwarmDiagnostics.StepKindTag, KindNames[(int)step.Kind]);
        while (true)
        {
            var attempt = ++node.Attempts;
            node.Role = role;
            if (!run.TryCountAttempt())
            {
                finalFailure = new StepFailure
                {
                    StepId = node.QualifiedId,
                    Attempt = attempt,
                    Role = role,
                    Category = FailureCategory.Infra,
                    Message = $"The run's budget of {run.Graph.Budget!.MaxSteps} step attempts is spent.",
                };
                (node.Failures ??= []).Add(finalFailure);
                break;
            }

            _instruments.StepsStarted.Add(1, kindTag);
            Log.StepStarted(Logger, run.RunId, node.QualifiedId, attempt, role);
            run.Emit(SwarmEventKind.StepStarted, node, attempt, role);
            using var activity = SwarmInstruments.ActivitySource.StartActivity(SwarmDiagnostics.StepActivityName, ActivityKind.Internal, run.Activity?.Context ?? default(ActivityContext));
            if (activity is not null)
            {
                activity.DisplayName = "swarm.step " + node.QualifiedId;
                activity.SetTag(SwarmDiagnostics.RunIdTag, run.RunId);
                activity.SetTag(SwarmDiagnostics.StepIdTag, node.QualifiedId);
                activity.SetTag(SwarmDiagnostics.StepKindTag, KindNames[(int)step.Kind]);
                activity.SetTag(SwarmDiagnostics.RoleTag, role);
                activity.SetTag(SwarmDiagnostics.AttemptTag, attempt);
            }

            var attemptStart = TimeProvider.GetTimestamp();
            StepFailure? failure = null;
            StepOutput? output = null;
            CancellationTokenSource? timeoutCts = null;
            CancellationTokenSource? linkedCts = null;
            var token = run.Token;
            try
            {
                // The autonomy gate decides before anything of the attempt runs (and before its timeout starts).
                await _autonomy.EnsureAllowedAsync(run, node, role, attempt, activity, run.Token).ConfigureAwait(false);
                if (timeout is { } limit)
                {
                    timeoutCts = new CancellationTokenSource(limit, TimeProvider);
                    linkedCts = CancellationTokenSource.CreateLinkedTokenSource(run.Token, timeoutCts.Token);
                    token = linkedCts.Token;
                }

                var context = new StepContext(run, node, role, _roles.GetValueOrDefault(role), attempt, feedback, previous);
                output = (step.Cache is not null && _durable is { } durable
                    ? await durable.ExecuteCachedAsync(handler, context, token).ConfigureAwait(false)
                    : await handler.ExecuteAsync(context, token).ConfigureAwait(false)) ?? StepOutput.Empty;
                if (step.Gates.Count > 0)
                {
                    failure = await RunGatesAsync(run, node, role, attempt, output, token).ConfigureAwait(false);
                }
            }
            catch (StepInterruptedException) when (!run.Token.IsCancellationRequested && _durable is not null)
            {
                // Waiting for an answer: the step suspends (not checkpointed) and runs again on resume.
                node.Work += TimeProvider.GetElapsedTime(attemptStart);
                _durable.MarkSuspended(run.RunId);
                return await run.CancelAsync(node).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeoutCts is { IsCancellationRequested: true } && !run.Token.IsCancellationRequested)
            {
                failure = new StepFailure
                {
                    StepId = node.QualifiedId,
                    Attempt = attempt,
                    Role = role,
                    Category = FailureCategory.Timeout,
                    Message = $"Step '{node.QualifiedId}' did not finish within its timeout of {timeout}.",
                    ExceptionType = typeof(TimeoutException).FullName,
                    Exception = new TimeoutException($"Step '{node.QualifiedId}' did not finish within its timeout of {timeout}.", ex),
                };
            }
            catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
            {
                node.Work += TimeProvider.GetElapsedTime(attemptStart);
                activity?.SetStatus(ActivityStatusCode.Error, "canceled");
                return await run.CancelAsync(node).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A step's exception is its failure: it is recorded as itself and routed, never lost.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = FromException(node, role, attempt, ex);
            }
            finally
            {
                linkedCts?.Dispose();
                timeoutCts?.Dispose();
            }

            var attemptTime = TimeProvider.GetElapsedTime(attemptStart);
            node.Work += attemptTime;
            if (failure is null)
            {
                node.Output = output!.Text;
                node.Files = output.Files;
                node.SubRun = output.SubRun;
                if (Logger.IsEnabled(LogLevel.Trace))
                {
                    Log.StepOutputSensitive(Logger, run.RunId, node.QualifiedId, attempt, output.Text);
                }

                break;
            }

            (node.Failures ??= []).Add(failure);
            _instruments.StepsFailed.Add(1, kindTag, new KeyValuePair<string, object?>(SwarmDiagnostics.FailureCategoryTag, failure.Category.ToString()));
            Log.StepAttemptFailed(Logger, failure.Exception, run.RunId, node.QualifiedId, attempt, failure.Category, failure.ExceptionType, failure.Message);
            run.Emit(SwarmEventKind.StepFailed, node, attempt, role, attemptTime, failure);
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.SetTag(SwarmDiagnostics.FailureCategoryTag, failure.Category.ToString());

            FailureDecision decision;
            try
            {
                decision = await _failureRouter.RouteAsync(new FailureRoutingContext(step, failure, node.Failures, (IReadOnlyList<FailureDecision>?)node.Decisions ?? []), run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
            {
                return await run.CancelAsync(node).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A faulty router fails the step (logged), it does not crash the run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.RouterFailed(Logger, ex, run.RunId, node.QualifiedId);
                decision = FailureDecision.Fail($"the failure router threw {ex.GetType().FullName}: {ex.Message}");
            }

            (node.Decisions ??= []).Add(decision);
            RecordDecision(run, node, attempt, failure, decision, activity);
            if (decision.Action is FailureAction.Retry or FailureAction.Escalate && !string.IsNullOrEmpty(decision.Role))
            {
                role = decision.Role;
                feedback = decision.Feedback;
                previous = failure;
                continue;
            }

            if (decision.Action == FailureAction.Replan)
            {
                run.RequestReplan();
            }

            finalFailure = failure;
            Log.StepFailed(Logger, failure.Exception, run.RunId, node.QualifiedId, attempt, failure.ExceptionType, failure.Message);
            break;
        }

        return await run.EndAttemptsAsync(node, finalFailure).ConfigureAwait(false);
    }

    private void RecordDecision(SwarmRun run, StepNode node, int attempt, StepFailure failure, FailureDecision decision, Activity? activity)
    {
        var action = decision.Action.ToString();
        var category = failure.Category.ToString();
        _instruments.FailureDecisions.Add(
            1,
            new KeyValuePair<string, object?>(SwarmDiagnostics.FailureActionTag, action),
            new KeyValuePair<string, object?>(SwarmDiagnostics.FailureCategoryTag, category),
            new KeyValuePair<string, object?>(SwarmDiagnostics.RoleTag, failure.Role));
        Log.FailureRouted(Logger, run.RunId, node.QualifiedId, attempt, decision.Action, decision.Role, decision.Reason);
        if (activity is not null)
        {
            activity.SetTag(SwarmDiagnostics.FailureActionTag, action);
            activity.SetTag(SwarmDiagnostics.FailureReasonTag, decision.Reason);
            activity.AddEvent(new ActivityEvent(SwarmDiagnostics.FailureDecisionEventName, tags: new ActivityTagsCollection
            {
                [SwarmDiagnostics.FailureActionTag] = action,
                [SwarmDiagnostics.FailureCategoryTag] = category,
                [SwarmDiagnostics.FailureReasonTag] = decision.Reason,
                [SwarmDiagnostics.RoleTag] = decision.Role,
            }));
        }

        switch (decision.Action)
        {
            case FailureAction.Retry:
                _instruments.StepsRetried.Add(1, new KeyValuePair<string, object?>(SwarmDiagnostics.FailureCategoryTag, category));
                run.Emit(SwarmEventKind.StepRetried, node, attempt + 1, decision.Role, decision: decision);
                break;
            case FailureAction.Escalate:
                _instruments.StepsEscalated.Add(1, new KeyValuePair<string, object?>(SwarmDiagnostics.FailureCategoryTag, category));
                run.Emit(SwarmEventKind.StepEscalated, node, attempt + 1, decision.Role, decision: decision);
                break;
        }
    }

    private async ValueTask<StepFailure?> RunGatesAsync(SwarmRun run, StepNode node, string role, int attempt, StepOutput output, CancellationToken cancellationToken)
    {
        foreach (var name in node.Step.Gates)
        {
            var gate = _gates[name];
            var verdict = await gate.EvaluateAsync(new GateContext(node.QualifiedId, run.WorkspaceDirectory) { Output = output.Text, Files = output.Files }, cancellationToken).ConfigureAwait(false);
            if (!verdict.Passed && verdict.SkippedReason is null)
            {
                return new StepFailure
                {
                    StepId = node.QualifiedId,
                    Attempt = attempt,
                    Role = role,
                    Category = verdict.Category == FailureCategory.None ? FailureCategory.Code : verdict.Category,
                    Message = verdict.Summary ?? $"Gate '{name}' rejected the output with {verdict.Diagnostics.Count} diagnostic(s).",
                    GateName = verdict.GateName ?? name,
                    Diagnostics = verdict.Diagnostics,
                };
            }
        }

        return null;
    }

    private static StepFailure FromException(StepNode node, string role, int attempt, Exception ex) => new()
    {
        StepId = node.QualifiedId,
        Attempt = attempt,
        Role = role,
        Category = ex is StepFailureException sfe ? sfe.Category : ex is TimeoutException ? FailureCategory.Timeout : FailureCategory.Infra,
        Message = ex.Message,
        ExceptionType = ex.GetType().FullName,
        StackTrace = ex.StackTrace,
        Diagnostics = ex is StepFailureException typed ? typed.Diagnostics : [],
        Exception = ex,
    };

    /// <summary>Builds a node's final record, with metrics, logs and events.</summary>
    internal StepRecord Finish(SwarmRun run, StepNode node, StepStatus status)
    {
        var duration = node.StartTimestamp == 0 ? TimeSpan.Zero : TimeProvider.GetElapsedTime(node.StartTimestamp);
        var failures = (IReadOnlyList<StepFailure>?)node.Failures ?? [];
        if (status == StepStatus.Failed && node.OwnFailure is null && node.ChildFailure is { } childFailure)
        {
            failures = [.. failures, childFailure];
        }

        var record = new StepRecord
        {
            StepId = node.Id,
            ParentStepId = node.Parent?.Id,
            DependsOn = node.Step.DependsOn is IReadOnlyList<string> list ? list : [.. node.Step.DependsOn],
            Kind = node.Step.Kind,
            Role = node.Role,
            Status = status,
            Attempts = node.Attempts,
            Output = status == StepStatus.Succeeded ? node.Output : null,
            Files = node.Files,
            StartOffset = node.StartOffset,
            Duration = duration,
            WorkDuration = node.Work,
            SpawnedSteps = (IReadOnlyList<TaskStep>?)node.Spawned ?? [],
            Failures = failures,
            Decisions = (IReadOnlyList<FailureDecision>?)node.Decisions ?? [],
            SubRun = node.SubRun,
        };
        node.Record = record;
        if (status == StepStatus.Succeeded)
        {
            _instruments.StepsSucceeded.Add(1, new KeyValuePair<string, object?>(SwarmDiagnostics.StepKindTag, KindNames[(int)node.Step.Kind]));
            _instruments.StepDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(SwarmDiagnostics.StepKindTag, KindNames[(int)node.Step.Kind]));
            Log.StepSucceeded(Logger, run.RunId, node.QualifiedId, node.Attempts, duration.TotalSeconds);
            if (!run.Checkpoint)
            {
                // A checkpointed run reports the completion once it is durable (SaveCheckpointAsync).
                run.Emit(SwarmEventKind.StepCompleted, node, node.Attempts, node.Role, duration);
            }
        }
        else if (status == StepStatus.Failed && node.Attempts > 0)
        {
            _instruments.StepDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(SwarmDiagnostics.StepKindTag, KindNames[(int)node.Step.Kind]));
        }

        return record;
    }

    internal async ValueTask<ToolResult> InvokeToolAsync(string toolName, ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (!_tools.TryGetValue(toolName, out var tool))
        {
            throw new KeyNotFoundException($"No tool named '{toolName}' is registered.");
        }

        await _toolCalls.WaitAsync(cancellationToken).ConfigureAwait(false);

        try
        {
            return !tool.IsIdempotent && _durable is not null
                ? await _durable.InvokeJournaledAsync(tool, invocation, cancellationToken).ConfigureAwait(false)
                : await tool.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _toolCalls.Release();
        }
    }

    public void Dispose() => _toolCalls.Dispose();

    /// <summary>Validates a graph: a fast pass over the common case, the full validator (every problem listed) otherwise.</summary>
    private void EnsureValid(TaskGraph graph)
    {
        if (!LooksValid(graph))
        {
            Validator.EnsureValid(graph);
        }
    }

    private bool LooksValid(TaskGraph graph)
    {
        var steps = graph.Steps;
        if (steps is null || steps.Count == 0 || graph.Budget is not null)
        {
            return false;
        }

        var count = steps.Count;
        var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var knownRoles = Validator.KnownRoles;
        for (var i = 0; i < count; i++)
        {
            var step = steps[i];
            if (step is null || string.IsNullOrEmpty(step.Id) || !index.TryAdd(step.Id, i) || step.Kind == StepKind.Graph
                || _handlers[(int)step.Kind] is null || step.DependsOn is null || step.Gates is null
                || (step.Kind == StepKind.Tool && (step.Tool is null || !_tools.ContainsKey(step.Tool)))
                || (!string.IsNullOrEmpty(step.Role) && knownRoles is not null && !knownRoles.Contains(step.Role))
                || step.Timeout is { Ticks: <= 0 } || step.MaxAttempts is <= 0)
            {
                return false;
            }

            foreach (var gate in step.Gates)
            {
                if (!_gates.ContainsKey(gate))
                {
                    return false;
                }
            }
        }

        // Kahn's algorithm over compact arrays: every step must become ready, or there is a cycle.
        var pending = new int[count];
        var edgeCount = 0;
        for (var i = 0; i < count; i++)
        {
            var dependsOn = steps[i].DependsOn;
            pending[i] = dependsOn.Count;
            edgeCount += dependsOn.Count;
            foreach (var dependency in dependsOn)
            {
                if (!index.ContainsKey(dependency))
                {
                    return false;
                }
            }
        }

        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in steps[i].DependsOn)
            {
                offsets[index[dependency] + 1]++;
            }
        }

        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var fill = (int[])offsets.Clone();
        var dependents = new int[edgeCount];
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in steps[i].DependsOn)
            {
                dependents[fill[index[dependency]]++] = i;
            }
        }

        var queue = new int[count];
        int head = 0, tail = 0;
        for (var i = 0; i < count; i++)
        {
            if (pending[i] == 0)
            {
                queue[tail++] = i;
            }
        }

        while (head < tail)
        {
            var i = queue[head++];
            for (var e = offsets[i]; e < offsets[i + 1]; e++)
            {
                if (--pending[dependents[e]] == 0)
                {
                    queue[tail++] = dependents[e];
                }
            }
        }

        return tail == count;
    }
}
