using System.Collections.Concurrent;

namespace Swarm;

/// <summary>The default checkpoint store: keeps run states in memory for the process's lifetime.</summary>
internal sealed class InMemoryCheckpointStore(TimeProvider timeProvider) : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, Entry> _runs = new(StringComparer.Ordinal);

    public ValueTask StartRunAsync(SwarmRunState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entry = new Entry(state.RunId, state.Graph, state.StartedAt);
        entry.Steps.AddRange(state.Steps);
        _runs[state.RunId] = entry;
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
        if (_runs.TryGetValue(runId, out var entry))
        {
            lock (entry)
            {
                entry.Status = status;
            }
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

        public List<StepRecord> Steps { get; } = [];
    }
}
