using System.Collections.Concurrent;

namespace Swarm;

/// <summary>The default checkpoint store: keeps run states in memory while they may be resumed.</summary>
/// <remarks>
/// A run that succeeds has nothing left to resume, so its state is dropped when it completes; the states of failed,
/// canceled or interrupted runs are kept, the most recent <see cref="MaxRetainedRuns"/> of them.
/// </remarks>
internal sealed class InMemoryCheckpointStore(TimeProvider timeProvider) : ICheckpointStore
{
    public const int MaxRetainedRuns = 256;

    private readonly ConcurrentDictionary<string, Entry> _runs = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = [];

    public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entry = new Entry(state.RunId, state.Graph, state.StartedAt);
        entry.Steps.AddRange(state.Steps);
        lock (_order)
        {
            if (_runs.TryGetValue(state.RunId, out var previous) && previous.Position is { } position)
            {
                _order.Remove(position);
            }

            entry.Position = _order.AddLast(state.RunId);
            _runs[state.RunId] = entry;
            while (_order.Count > MaxRetainedRuns)
            {
                _runs.TryRemove(_order.First!.Value, out _);
                _order.RemoveFirst();
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SaveStepAsync(string runId, StepRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_runs.TryGetValue(runId, out var entry))
        {
            lock (entry)
            {
                entry.Steps.Add(record);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteRunAsync(string runId, SwarmRunStatus status, CancellationToken cancellationToken = default)
    {
        if (!_runs.TryGetValue(runId, out var entry))
        {
            return ValueTask.CompletedTask;
        }

        if (status == SwarmRunStatus.Succeeded)
        {
            lock (_order)
            {
                if (_runs.TryRemove(new KeyValuePair<string, Entry>(runId, entry)) && entry.Position is { } position)
                {
                    _order.Remove(position);
                }
            }

            return ValueTask.CompletedTask;
        }

        lock (entry)
        {
            entry.Status = status;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<SwarmRunState?> LoadAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!_runs.TryGetValue(runId, out var entry))
        {
            return new ValueTask<SwarmRunState?>((SwarmRunState?)null);
        }

        lock (entry)
        {
            return new ValueTask<SwarmRunState?>(new SwarmRunState
            {
                RunId = entry.RunId,
                Graph = entry.Graph,
                Status = entry.Status,
                StartedAt = entry.StartedAt,
                UpdatedAt = timeProvider.GetUtcNow(),
                Steps = [.. entry.Steps],
            });
        }
    }

    private sealed class Entry(string runId, TaskGraph graph, DateTimeOffset startedAt)
    {
        public string RunId { get; } = runId;

        public TaskGraph Graph { get; } = graph;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public SwarmRunStatus Status { get; set; }

        public LinkedListNode<string>? Position { get; set; }

        public List<StepRecord> Steps { get; } = [];
    }
}
