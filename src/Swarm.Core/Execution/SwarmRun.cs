using System.Diagnostics;
using System.Threading.Channels;

namespace Swarm;

/// <summary>One run of a graph: nodes, ready queue, workers (agents), completion, events and records.</summary>
/// <remarks>
/// Scheduling is dependency-driven, with no superstep barrier: when a step completes, each dependent whose last
/// dependency it was becomes ready at once. The completing worker continues with the first ready dependent inline
/// (no thread hop on a chain) and queues the others on a channel, starting workers up to MaxParallelAgents.
/// </remarks>
internal sealed class SwarmRun : ICheckpointCallback
{
    private readonly Channel<StepNode> _ready = Channel.CreateUnbounded<StepNode>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _checkpointsDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly NodeTable _nodes;
    private StepNode[] _graphNodes = [];
    private readonly List<StepRecord> _records = [];
    private readonly List<StepFailure> _failures = [];
    private readonly Dictionary<string, StepRecord>? _resumed;
    private readonly int _maxWorkers;
    private readonly string _prefix;
    private readonly int? _maxSteps;
    private readonly int _eagerWorkers;
    private int _activeWorkers;
    private int _blockedWorkers;
    private int _remaining;
    private int _attemptsUsed;

    // Checkpoint writes queued and not yet durable, plus one held until the run asks to drain.
    private int _pendingCheckpoints = 1;
    private bool _replanRequested;

    public SwarmRun(SwarmExecutor executor, TaskGraph graph, string runId, string workspace, string prefix, ChannelWriter<SwarmEvent>? events, bool checkpoint, SwarmRunState? resumeFrom, CancellationToken token, SwarmRun? parent = null)
    {
        Executor = executor;
        Root = parent?.Root ?? this;
        Graph = graph;
        RunId = runId;
        WorkspaceDirectory = workspace;
        _prefix = prefix;
        Events = events;
        Checkpoint = checkpoint;
        CheckpointQueue = checkpoint ? executor.CheckpointQueue : null;
        Token = token;
        _nodes = new NodeTable(graph.Steps.Count);
        _maxWorkers = executor.Options.MaxParallelAgents;
        _eagerWorkers = Math.Min(_maxWorkers, Environment.ProcessorCount);
        _maxSteps = graph.Budget?.MaxSteps;
        if (resumeFrom is { Steps.Count: > 0 })
        {
            _resumed = new Dictionary<string, StepRecord>(StringComparer.Ordinal);
            foreach (var record in resumeFrom.Steps)
            {
                if (record.Status == StepStatus.Succeeded)
                {
                    _resumed[record.StepId] = record;
                }
            }
        }
    }

    public SwarmExecutor Executor { get; }

    /// <summary>Gets the top-level run: this run, or for a nested graph's run the run its outermost graph step belongs to (interrupts and approvals are kept under its id).</summary>
    public SwarmRun Root { get; }

    public TaskGraph Graph { get; }

    public string RunId { get; }

    public string WorkspaceDirectory { get; }

    public ChannelWriter<SwarmEvent>? Events { get; }

    public bool Checkpoint { get; }

    /// <summary>Gets the store's ordered queue when checkpoints go through one (records are queued, not awaited, on the step's path).</summary>
    public IOrderedCheckpointQueue? CheckpointQueue { get; }

    public CancellationToken Token { get; }

    public long StartTimestamp { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public Activity? Activity { get; set; }

#pragma warning disable VSTHRD003 // Completed by this run's own workers; no context to deadlock on.
    public Task Completion => _done.Task;
#pragma warning restore VSTHRD003

    public bool ReplanRequested => Volatile.Read(ref _replanRequested);

    /// <summary>Builds the nodes. The graph was validated.</summary>
    public void Build()
    {
        var steps = Graph.Steps;
        var count = steps.Count;
        var nodes = new StepNode[count];
        for (var i = 0; i < count; i++)
        {
            var step = steps[i];
            var node = new StepNode(step, _prefix.Length == 0 ? step.Id : _prefix + step.Id, parent: null);
            nodes[i] = node;
            _nodes.SetBuilt(step.Id, node);
        }

        _graphNodes = nodes;
        _remaining = count;
        for (var i = 0; i < count; i++)
        {
            var node = nodes[i];
            var dependsOn = node.Step.DependsOn;
            var pending = 0;
            for (var d = 0; d < dependsOn.Count; d++)
            {
                var dependency = _nodes[dependsOn[d]];
                (dependency.Dependents ??= []).Add(node);
                pending++;
            }

            node.Pending = pending;
        }

        // Resumed steps are complete before anything runs; their dependents' counts drop accordingly.
        if (_resumed is not null)
        {
            foreach (var record in _resumed.Values)
            {
                if (record.ParentStepId is null && _nodes.TryGetValue(record.StepId, out var node))
                {
                    Restore(node, record);
                    _remaining--;
                    foreach (var dependent in node.Dependents ?? [])
                    {
                        dependent.Pending--;
                    }
                }
            }

            foreach (var record in _resumed.Values)
            {
                if (record.ParentStepId is not null && !_nodes.ContainsKey(record.StepId))
                {
                    var stub = new StepNode(FindSpawnedStep(record) ?? new TaskStep { Id = record.StepId }, _prefix + record.StepId, parent: null);
                    Restore(stub, record);
                    _nodes.TryAdd(record.StepId, stub);
                }
            }
        }
    }

    /// <summary>Starts the run: the calling thread becomes the first worker.</summary>
    /// <summary>Marks the run's start: events and step offsets are measured from here.</summary>
    public void MarkStart()
    {
        StartTimestamp = Executor.TimeProvider.GetTimestamp();
        StartedAt = Executor.TimeProvider.GetUtcNow();
    }

    public Task StartAsync()
    {
        if (_remaining == 0)
        {
            _done.TrySetResult();
            return Task.CompletedTask;
        }

        // The calling thread is the first worker: count it before queuing the other ready steps.
        Interlocked.Increment(ref _activeWorkers);
        StepNode? first = null;
        foreach (var node in _graphNodes)
        {
            if (node.Pending == 0 && node.Completed == 0)
            {
                if (first is null)
                {
                    first = node;
                }
                else
                {
                    Enqueue(node);
                }
            }
        }

        return WorkerAsync(first);
    }

    public TimeSpan Elapsed => Executor.TimeProvider.GetElapsedTime(StartTimestamp);

    public void Emit(SwarmEventKind kind, StepNode? node, int attempt = 0, string? role = null, TimeSpan? duration = null, StepFailure? failure = null, FailureDecision? decision = null, IReadOnlyList<string>? children = null)
    {
        Events?.TryWrite(new SwarmEvent
        {
            Kind = kind,
            RunId = RunId,
            Timestamp = Executor.TimeProvider.GetUtcNow(),
            Elapsed = Elapsed,
            StepId = node?.QualifiedId,
            Attempt = attempt,
            Role = role,
            Duration = duration,
            Failure = failure,
            Decision = decision,
            ChildStepIds = children,
        });
    }

    public bool TryCountAttempt()
    {
        var used = Interlocked.Increment(ref _attemptsUsed);
        return _maxSteps is not { } max || used <= max;
    }

    public void RequestReplan() => Volatile.Write(ref _replanRequested, true);

    public (List<StepRecord> Records, List<StepFailure> Failures) Snapshot()
    {
        lock (_records)
        {
            return ([.. _records], [.. _failures]);
        }
    }

    public IReadOnlyDictionary<string, string?> BuildInputs(StepNode node)
    {
        var dependsOn = node.Step.DependsOn;
        var inputs = new Dictionary<string, string?>(dependsOn.Count, StringComparer.Ordinal);
        foreach (var id in dependsOn)
        {
            if (_nodes.TryGetValue(id, out var dependency))
            {
                inputs[id] = dependency.Output;
                AddChildOutputs(dependency, inputs);
            }
        }

        return inputs;
    }

    public string? GetOutput(string stepId)
    {
        if (!_nodes.TryGetValue(stepId, out var node))
        {
            return null;
        }

        lock (node)
        {
            return node.Released && node.Status == StepStatus.Succeeded ? node.Output : null;
        }
    }

    public IReadOnlyList<string> SpawnChildren(StepNode parent, List<TaskStep> steps, int attempt)
    {
        var problems = Executor.Validator.ValidateAddedSteps(steps, _nodes.ContainsKey, _prefix);
        var ownIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (step?.Id is { } id)
            {
                ownIds.Add(id);
            }
        }

        var forbidden = Descendants(parent);
        foreach (var step in steps)
        {
            foreach (var dependency in step?.DependsOn ?? [])
            {
                if (!ownIds.Contains(dependency) && _nodes.TryGetValue(dependency, out var target) && forbidden.Contains(target))
                {
                    problems = [.. problems, new TaskGraphProblem(TaskGraphProblemKind.Cycle, $"Child step '{_prefix}{step!.Id}' depends on '{_prefix}{dependency}', which waits for the spawning step '{parent.QualifiedId}': a cycle.", [_prefix + step.Id, parent.QualifiedId, _prefix + dependency], dependency)];
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new TaskGraphValidationException(problems);
        }

        var children = new List<StepNode>(steps.Count);
        lock (parent)
        {
            if (parent.AttemptsEnded || parent.Attempts != attempt)
            {
                throw new InvalidOperationException($"Step '{parent.QualifiedId}' can spawn children only while its attempt {attempt} runs.");
            }

            foreach (var step in steps)
            {
                var child = new StepNode(step, _prefix + step.Id, parent) { Pending = 1 };
                if (!_nodes.TryAdd(step.Id, child))
                {
                    throw new TaskGraphValidationException([new TaskGraphProblem(TaskGraphProblemKind.DuplicateStepId, $"Child step '{_prefix}{step.Id}' has the id of a step already in the run.", [_prefix + step.Id])]);
                }

                children.Add(child);
            }

            parent.Barrier += children.Count;
            (parent.Children ??= []).AddRange(children);
            (parent.Spawned ??= []).AddRange(steps);
        }

        Interlocked.Add(ref _remaining, children.Count);
        var ids = new string[children.Count];
        for (var i = 0; i < children.Count; i++)
        {
            ids[i] = children[i].Id;
        }

        Log.ChildrenSpawned(Executor.Logger, RunId, parent.QualifiedId, children.Count);
        Emit(SwarmEventKind.ChildrenSpawned, parent, attempt, parent.Role, children: ids);

        // Wire dependencies; a dependency already succeeded counts as met, one that did not succeed skips the child.
        var blocked = new List<StepNode>();
        foreach (var child in children)
        {
            var doomed = false;
            foreach (var id in child.Step.DependsOn)
            {
                var dependency = _nodes[id];
                lock (dependency)
                {
                    if (dependency.Released)
                    {
                        doomed |= dependency.Status != StepStatus.Succeeded;
                        continue;
                    }

                    (dependency.Dependents ??= []).Add(child);
                    Interlocked.Increment(ref child.Pending);
                }
            }

            if (doomed)
            {
                blocked.Add(child);
            }
        }

        foreach (var child in children)
        {
            if (_resumed is not null && _resumed.TryGetValue(child.Id, out var record))
            {
                // Completed before the interruption: reuse it rather than run it again.
                Restore(child, record);
                RunDetached(CompleteAsync(child, finishRecord: false));
                continue;
            }

            if (blocked.Contains(child))
            {
                RunDetached(SkipAsync(child));
            }
            else if (Interlocked.Decrement(ref child.Pending) == 0)
            {
                Enqueue(child);
            }
        }

        return ids;
    }

    public async Task<SwarmRunResult> RunNestedAsync(StepNode node, TaskGraph graph, CancellationToken cancellationToken)
    {
        return await Executor.RunNestedAsync(this, node, graph, cancellationToken).ConfigureAwait(false);
    }

    private static void AddChildOutputs(StepNode node, Dictionary<string, string?> inputs)
    {
        if (node.Children is null)
        {
            return;
        }

        foreach (var child in node.Children)
        {
            inputs.TryAdd(child.Id, child.Output);
            AddChildOutputs(child, inputs);
        }
    }

    private static HashSet<StepNode> Descendants(StepNode parent)
    {
        // The spawning step, its ancestors, and every step that waits for any of them.
        var set = new HashSet<StepNode>();
        var stack = new Stack<StepNode>();
        for (var p = parent; p is not null; p = p.Parent)
        {
            stack.Push(p);
        }

        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!set.Add(node))
            {
                continue;
            }

            lock (node)
            {
                foreach (var dependent in node.Dependents ?? [])
                {
                    stack.Push(dependent);
                }
            }
        }

        return set;
    }

    private TaskStep? FindSpawnedStep(StepRecord record)
    {
        if (_resumed is not null && record.ParentStepId is not null && _resumed.TryGetValue(record.ParentStepId, out var parent))
        {
            foreach (var step in parent.SpawnedSteps)
            {
                if (step.Id == record.StepId)
                {
                    return step;
                }
            }
        }

        return null;
    }

    private void Restore(StepNode node, StepRecord record)
    {
        node.Status = StepStatus.Succeeded;
        node.Output = record.Output;
        node.Files = record.Files;
        node.Attempts = record.Attempts;
        node.Role = record.Role;
        node.Record = record;
        node.AttemptsEnded = true;
        node.Released = true;
        node.Barrier = 0;
        Volatile.Write(ref node.Completed, 1);
        lock (_records)
        {
            _records.Add(record);
        }
    }

    private void RunDetached(ValueTask<StepNode?> completion)
    {
        if (completion.IsCompletedSuccessfully)
        {
            if (completion.Result is { } ready)
            {
                Enqueue(ready);
            }

            return;
        }

        _ = AwaitDetachedAsync(completion);
    }

    private async Task AwaitDetachedAsync(ValueTask<StepNode?> completion)
    {
        try
        {
            if (await completion.ConfigureAwait(false) is { } ready)
            {
                Enqueue(ready);
            }
        }
#pragma warning disable CA1031 // A scheduler fault must end the run with the fault, never hang it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _done.TrySetException(ex);
        }
    }

    /// <summary>
    /// Queues a ready step. A new worker starts only while fewer workers than cores are running steps synchronously;
    /// a worker whose step goes asynchronous starts another (up to MaxParallelAgents) before it waits, so every ready
    /// step starts at once without a thread hop per step.
    /// </summary>
    private void Enqueue(StepNode node)
    {
        _ready.Writer.TryWrite(node);
        if (Volatile.Read(ref _activeWorkers) - Volatile.Read(ref _blockedWorkers) < _eagerWorkers && TryAcquireWorker())
        {
            StartWorker();
        }
    }

    private void StartWorker() => ThreadPool.QueueUserWorkItem(static run => _ = run.WorkerAsync(null), this, preferLocal: false);

    private bool TryAcquireWorker()
    {
        while (true)
        {
            var active = Volatile.Read(ref _activeWorkers);
            if (active >= _maxWorkers)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _activeWorkers, active + 1, active) == active)
            {
                return true;
            }
        }
    }

    private async Task WorkerAsync(StepNode? node)
    {
        try
        {
            while (true)
            {
                if (node is null && !_ready.Reader.TryRead(out node))
                {
                    Interlocked.Decrement(ref _activeWorkers);
                    if (_ready.Reader.Count == 0 || !TryAcquireWorker())
                    {
                        return;
                    }

                    continue;
                }

                if (Token.IsCancellationRequested)
                {
                    node = await CancelAsync(node).ConfigureAwait(false);
                    continue;
                }

                var running = Executor.RunStepAsync(this, node);
                if (running.IsCompleted)
                {
                    node = running.Result;
                    continue;
                }

                // The step waits (model call, tool process, delay): let another agent take the queued steps meanwhile.
                Interlocked.Increment(ref _blockedWorkers);
                if (_ready.Reader.Count > 0 && TryAcquireWorker())
                {
                    StartWorker();
                }

                try
                {
                    node = await running.ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _blockedWorkers);
                }
            }
        }
#pragma warning disable CA1031 // A scheduler fault must end the run with the fault, never hang it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _done.TrySetException(ex);
        }
    }

    /// <summary>Queues the run's start record on the ordered queue (it commits before any of the run's step records).</summary>
    public void QueueStart(IOrderedCheckpointQueue queue, SwarmRunState state) =>
        QueueWrite(token: null, (queue, state), static (a, run, _) => a.queue.QueueStart(a.state, run, token: null));

    /// <summary>Queues the run's final status on the ordered queue (it commits after every record the run queued).</summary>
    public void QueueComplete(IOrderedCheckpointQueue queue, SwarmRunStatus status) =>
        QueueWrite(token: null, (queue, status), static (a, run, _) => a.queue.QueueComplete(run.RunId, a.status, run, token: null));

    /// <summary>Waits until every checkpoint this run queued is durable (and its StepCompleted event reported).</summary>
    public Task DrainCheckpointsAsync()
    {
        if (Interlocked.Decrement(ref _pendingCheckpoints) == 0)
        {
            _checkpointsDrained.TrySetResult();
        }

#pragma warning disable VSTHRD003 // Completed by the store's writer for this run; no context to deadlock on.
        return _checkpointsDrained.Task;
#pragma warning restore VSTHRD003
    }

    /// <summary>Runs on the store's writer, in queue order, once a queued record is durable: the step is reported complete only now.</summary>
    public void OnCheckpointed(object? token, Exception? fault)
    {
        try
        {
            if (fault is not null)
            {
                Log.CheckpointFailed(Executor.Logger, fault, RunId);
            }

            if (token is StepNode { Record: { Status: StepStatus.Succeeded } record } node)
            {
                Emit(SwarmEventKind.StepCompleted, node, record.Attempts, record.Role, record.Duration);
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _pendingCheckpoints) == 0)
            {
                _checkpointsDrained.TrySetResult();
            }
        }
    }

    private void QueueCheckpoint(IOrderedCheckpointQueue queue, StepNode node, StepRecord record) =>
        QueueWrite(node, (queue, record), static (a, run, token) => a.queue.QueueStep(run.RunId, a.record, run, token));

    /// <summary>Counts a write as pending (<see cref="DrainCheckpointsAsync"/> waits for it) and queues it; a store that refuses it reports the fault as its outcome.</summary>
    private void QueueWrite<TArgs>(object? token, TArgs args, Action<TArgs, SwarmRun, object?> queue)
    {
        Interlocked.Increment(ref _pendingCheckpoints);
        try
        {
            queue(args, this, token);
        }
#pragma warning disable CA1031 // A failing store must not stop the run; the fault is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            OnCheckpointed(token, ex);
        }
    }

    /// <summary>Ends the step's own attempts; completes it now if it has no outstanding children.</summary>
    public ValueTask<StepNode?> EndAttemptsAsync(StepNode node, StepFailure? failure)
    {
        bool last;
        lock (node)
        {
            node.AttemptsEnded = true;
            node.OwnFailure = failure;
            last = --node.Barrier == 0;
        }

        return last ? CompleteAsync(node, finishRecord: true) : new ValueTask<StepNode?>((StepNode?)null);
    }

    public ValueTask<StepNode?> CancelAsync(StepNode node)
    {
        lock (node)
        {
            node.AttemptsEnded = true;
            node.Barrier = 0;
        }

        return CompleteAsync(node, finishRecord: true, forced: StepStatus.Canceled);
    }

    private ValueTask<StepNode?> SkipAsync(StepNode node) => CompleteAsync(node, finishRecord: true, forced: StepStatus.Skipped);

    /// <summary>Gives a node its final status, records and checkpoints it, and releases (or skips) its dependents; returns the first dependent that became ready.</summary>
    private async ValueTask<StepNode?> CompleteAsync(StepNode node, bool finishRecord, StepStatus? forced = null)
    {
        StepNode? next = null;
        List<(StepNode Node, StepStatus Status)>? cascade = null;
        var current = node;
        var status = forced;
        while (current is not null)
        {
            if (Interlocked.Exchange(ref current.Completed, 1) == 0 || !finishRecord)
            {
                StepStatus final;
                StepRecord record;
                if (finishRecord)
                {
                    final = status ?? (current.OwnFailure is not null || current.ChildFailure is not null ? StepStatus.Failed : StepStatus.Succeeded);
                    record = Executor.Finish(this, current, final);
                    if (Checkpoint && final is StepStatus.Succeeded or StepStatus.Failed)
                    {
                        if (CheckpointQueue is { } queue)
                        {
                            // Queued before the dependents are released: their records queue (and commit) after this one.
                            QueueCheckpoint(queue, current, record);
                        }
                        else
                        {
                            await Executor.SaveCheckpointAsync(this, current, record).ConfigureAwait(false);
                        }
                    }
                }
                else
                {
                    final = current.Status;
                    record = current.Record!;
                }

                List<StepNode>? dependents;
                lock (current)
                {
                    current.Status = final;
                    current.Released = true;
                    dependents = current.Dependents;
                }

                lock (_records)
                {
                    if (finishRecord)
                    {
                        _records.Add(record);
                    }

                    if (final == StepStatus.Failed && current.OwnFailure is { } failure)
                    {
                        _failures.Add(failure);
                    }
                }

                if (dependents is not null)
                {
                    foreach (var dependent in dependents)
                    {
                        if (final == StepStatus.Succeeded)
                        {
                            if (Interlocked.Decrement(ref dependent.Pending) == 0)
                            {
                                if (next is null)
                                {
                                    next = dependent;
                                }
                                else
                                {
                                    Enqueue(dependent);
                                }
                            }
                        }
                        else
                        {
                            (cascade ??= []).Add((dependent, final == StepStatus.Canceled ? StepStatus.Canceled : StepStatus.Skipped));
                        }
                    }
                }

                if (current.Parent is { } parent)
                {
                    bool parentDone;
                    lock (parent)
                    {
                        if (final != StepStatus.Succeeded && parent.ChildFailure is null)
                        {
                            parent.ChildFailure = record.Failures.Count > 0 ? record.Failures[^1] : null;
                            parent.ChildFailure ??= new StepFailure
                            {
                                StepId = current.QualifiedId,
                                Attempt = current.Attempts,
                                Category = FailureCategory.Logic,
                                Message = $"Child step '{current.QualifiedId}' ended {final}.",
                            };
                        }

                        parentDone = --parent.Barrier == 0;
                    }

                    if (parentDone)
                    {
                        (cascade ??= []).Add((parent, (StepStatus)(-1)));
                    }
                }

                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done.TrySetResult();
                }
            }

            finishRecord = true;
            current = null;
            if (cascade is { Count: > 0 })
            {
                (current, var s) = cascade[^1];
                cascade.RemoveAt(cascade.Count - 1);
                status = (int)s < 0 ? null : s;
                if (status == StepStatus.Skipped || status == StepStatus.Canceled)
                {
                    if (status == StepStatus.Skipped)
                    {
                        Log.StepSkipped(Executor.Logger, RunId, current.QualifiedId);
                        Emit(SwarmEventKind.StepSkipped, current);
                    }

                    lock (current)
                    {
                        current.AttemptsEnded = true;
                    }
                }
            }
        }

        return next;
    }
}
