namespace Swarm;

/// <summary>
/// The store writer's memory of the graph rows it inserted last, one per graph id: a run of a graph equal to one of them (a host
/// running the same pipeline again, a crashed run resumed) references that row instead of encoding and writing every step again.
/// </summary>
/// <remarks>
/// <para>
/// A row is reused only when the graph's goal and every step's stored fields equal the remembered ones. They are compared afresh
/// on each run (by value; equal strings are usually the same object, so most comparisons end at the reference), so a graph
/// changed in place between two runs gets a row of its own. Only graphs without a budget whose steps all take the plain array
/// form of <see cref="TaskGraphJsonb"/> are remembered: their row depends on the graph's id and goal and on each step's id,
/// role, instruction, dependencies, kind and tool, and on nothing else.
/// </para>
/// <para>
/// Not thread-safe: the store's writer thread owns it. The writer clears it whenever a transaction fails (a row remembered in it
/// may have been rolled back) and when retention deletes rows.
/// </para>
/// </remarks>
internal sealed class GraphRowCache
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int _capacity;

    /// <summary>Initializes a new instance of the <see cref="GraphRowCache"/> class.</summary>
    /// <param name="capacity">The most graph ids remembered at once; the memory is cleared when a new one would exceed it.</param>
    public GraphRowCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Gets the number of times a run referenced a remembered row instead of writing its graph.</summary>
    public long Hits { get; private set; }

    /// <summary>Gets the row remembered for a graph equal to <paramref name="graph"/>, if any.</summary>
    /// <param name="graph">The graph a run starts with.</param>
    /// <param name="graphId">The row's id in the <c>graphs</c> table.</param>
    /// <returns><see langword="true"/> when a row was found.</returns>
    public bool TryGet(TaskGraph graph, out long graphId)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Budget is null && graph.Id is not null && _entries.TryGetValue(graph.Id, out var entry) && entry.Matches(graph))
        {
            Hits++;
            graphId = entry.GraphId;
            return true;
        }

        graphId = 0;
        return false;
    }

    /// <summary>Remembers the row just inserted for <paramref name="graph"/>, when its form lets it be reused.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="graphId">The row's id in the <c>graphs</c> table.</param>
    public void Remember(TaskGraph graph, long graphId)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Id is null)
        {
            return;
        }

        var entry = graph.Budget is null ? Entry.TryCreate(graph, graphId) : null;
        if (entry is null)
        {
            // An older entry under this id describes a graph this one replaced: it would only cost comparisons.
            _entries.Remove(graph.Id);
            return;
        }

        if (_entries.Count >= _capacity && !_entries.ContainsKey(graph.Id))
        {
            _entries.Clear();
        }

        _entries[graph.Id] = entry;
    }

    /// <summary>Forgets every row (a transaction failed, or rows were deleted).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>One remembered graph: the fields its row was written from (copied, so changes to the graph are seen) and the row's id.</summary>
    private sealed class Entry
    {
        private readonly string? _goal;
        private readonly StepFields[] _steps;
        private readonly string[] _dependsOn;

        private Entry(string? goal, StepFields[] steps, string[] dependsOn, long graphId)
        {
            _goal = goal;
            _steps = steps;
            _dependsOn = dependsOn;
            GraphId = graphId;
        }

        public long GraphId { get; }

        public static Entry? TryCreate(TaskGraph graph, long graphId)
        {
            var steps = graph.Steps;
            if (steps is null)
            {
                return null;
            }

            var fields = new StepFields[steps.Count];
            var dependencies = 0;
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                if (step is null || !TaskGraphJsonb.IsPlain(step))
                {
                    return null;
                }

                dependencies += step.DependsOn.Count;
            }

            var dependsOn = new string[dependencies];
            var next = 0;
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var ids = step.DependsOn;
                fields[i] = new StepFields(step.Id, step.Role, step.Instruction, step.Tool, step.Kind, next, ids.Count);
                for (var d = 0; d < ids.Count; d++)
                {
                    dependsOn[next++] = ids[d];
                }
            }

            return new Entry(graph.Goal, fields, dependsOn, graphId);
        }

        public bool Matches(TaskGraph graph)
        {
            var steps = graph.Steps;
            if (steps is null || steps.Count != _steps.Length || !string.Equals(graph.Goal, _goal, StringComparison.Ordinal))
            {
                return false;
            }

            for (var i = 0; i < _steps.Length; i++)
            {
                var step = steps[i];
                ref readonly var known = ref _steps[i];
                if (step is null || !TaskGraphJsonb.IsPlain(step) || step.Kind != known.Kind ||
                    !string.Equals(step.Id, known.Id, StringComparison.Ordinal) ||
                    !string.Equals(step.Role, known.Role, StringComparison.Ordinal) ||
                    !string.Equals(step.Instruction, known.Instruction, StringComparison.Ordinal) ||
                    !string.Equals(step.Tool, known.Tool, StringComparison.Ordinal))
                {
                    return false;
                }

                var ids = step.DependsOn;
                if (ids.Count != known.DependsOnCount)
                {
                    return false;
                }

                for (var d = 0; d < ids.Count; d++)
                {
                    if (!string.Equals(ids[d], _dependsOn[known.DependsOnStart + d], StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    private readonly record struct StepFields(string Id, string? Role, string Instruction, string? Tool, StepKind Kind, int DependsOnStart, int DependsOnCount);
}
