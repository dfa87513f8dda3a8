using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Swarm;

/// <summary>A run's steps by id: the graph's own steps in a plain dictionary filled before the run starts (read-only after), spawned children in a concurrent one made on first use.</summary>
internal sealed class NodeTable(int capacity)
{
    private readonly Dictionary<string, StepNode> _graph = new(capacity, StringComparer.Ordinal);
    private ConcurrentDictionary<string, StepNode>? _added;

    public StepNode this[string id] => TryGetValue(id, out var node) ? node : throw new KeyNotFoundException($"The run has no step '{id}'.");

    /// <summary>Adds a graph step while the run is being built (single-threaded).</summary>
    public void SetBuilt(string id, StepNode node) => _graph[id] = node;

    public bool ContainsKey(string id) => _graph.ContainsKey(id) || (_added?.ContainsKey(id) ?? false);

    public bool TryGetValue(string id, [NotNullWhen(true)] out StepNode? node)
    {
        if (_graph.TryGetValue(id, out node))
        {
            return true;
        }

        node = null;
        return _added?.TryGetValue(id, out node) ?? false;
    }

    /// <summary>Adds a step at run time; fails if the id is taken.</summary>
    public bool TryAdd(string id, StepNode node)
    {
        if (_graph.ContainsKey(id))
        {
            return false;
        }

        if (_added is null)
        {
            Interlocked.CompareExchange(ref _added, new ConcurrentDictionary<string, StepNode>(StringComparer.Ordinal), null);
        }

        return _added.TryAdd(id, node);
    }
}
