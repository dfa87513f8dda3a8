namespace Swarm;

/// <summary>Checks a task graph before it runs and reports every problem at once.</summary>
/// <remarks>
/// Checks: empty graph, missing and duplicate ids, unknown dependencies, cycles (each named by its steps),
/// unknown roles, tools and gates (against the registries set on the validator; a registry left
/// <see langword="null"/> is not checked), unsupported kinds, non-positive budget, timeouts and attempts.
/// Nested graphs are checked too; their steps are named <c>parent/child</c>. Thread-safe once configured.
/// </remarks>
public sealed class TaskGraphValidator
{
    /// <summary>Gets the roles steps may name, or <see langword="null"/> to accept any role.</summary>
    public IReadOnlySet<string>? KnownRoles { get; init; }

    /// <summary>Gets the tools steps may call, or <see langword="null"/> to accept any tool.</summary>
    public IReadOnlySet<string>? KnownTools { get; init; }

    /// <summary>Gets the gates steps may name, or <see langword="null"/> to accept any gate.</summary>
    public IReadOnlySet<string>? KnownGates { get; init; }

    /// <summary>Gets the step kinds that have a handler, or <see langword="null"/> to accept every kind.</summary>
    public IReadOnlySet<StepKind>? SupportedKinds { get; init; }

    /// <summary>Finds every problem in a graph.</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The problems; empty when the graph is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<TaskGraphProblem> Validate(TaskGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var problems = new List<TaskGraphProblem>();
        ValidateGraph(graph, prefix: string.Empty, problems, depth: 0);
        return problems;
    }

    /// <summary>Throws if a graph has any problem.</summary>
    /// <param name="graph">The graph.</param>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> is <see langword="null"/>.</exception>
    /// <exception cref="TaskGraphValidationException">The graph has problems; <see cref="TaskGraphValidationException.Problems"/> lists all of them.</exception>
    public void EnsureValid(TaskGraph graph)
    {
        var problems = Validate(graph);
        if (problems.Count > 0)
        {
            throw new TaskGraphValidationException(problems);
        }
    }

    /// <summary>Checks steps added to a running graph: their own fields, ids unique against the existing ones, dependencies on existing or sibling steps, no cycles among them.</summary>
    internal IReadOnlyList<TaskGraphProblem> ValidateAddedSteps(IReadOnlyList<TaskStep> steps, Func<string, bool> exists, string prefix)
    {
        var problems = new List<TaskGraphProblem>();
        if (steps.Count == 0)
        {
            problems.Add(new TaskGraphProblem(TaskGraphProblemKind.EmptyGraph, "No child steps were given.", []));
            return problems;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (!string.IsNullOrEmpty(step?.Id) && exists(step.Id))
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.DuplicateStepId, $"Child step '{prefix}{step.Id}' has the id of a step already in the run.", [prefix + step.Id]));
            }
        }

        CheckSteps(steps, prefix, problems, ids, exists, depth: 0);
        return problems;
    }

    private void ValidateGraph(TaskGraph graph, string prefix, List<TaskGraphProblem> problems, int depth)
    {
        var where = prefix.Length == 0 ? "The task graph" : $"The nested graph of step '{prefix.TrimEnd('/')}'";
        if (graph.Steps is null || graph.Steps.Count == 0)
        {
            problems.Add(new TaskGraphProblem(TaskGraphProblemKind.EmptyGraph, $"{where} has no steps.", prefix.Length == 0 ? [] : [prefix.TrimEnd('/')]));
        }

        if (graph.Budget is { } budget)
        {
            CheckBudget(budget.MaxSteps is { } s && s <= 0, "maxSteps", budget.MaxSteps?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            CheckBudget(budget.MaxTokens is { } t && t <= 0, "maxTokens", budget.MaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            CheckBudget(budget.MaxCost is { } c && c <= 0, "maxCost", budget.MaxCost?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            CheckBudget(budget.MaxDuration is { } d && d <= TimeSpan.Zero, "maxDuration", budget.MaxDuration?.ToString());
        }

        if (graph.Steps is { Count: > 0 })
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            CheckSteps(graph.Steps.ToList(), prefix, problems, ids, exists: null, depth);
        }

        void CheckBudget(bool bad, string name, string? value)
        {
            if (bad)
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.NonPositiveBudget, $"{where} has budget {name} = {value}; it must be positive.", [], name));
            }
        }
    }

    private void CheckSteps(IReadOnlyList<TaskStep> steps, string prefix, List<TaskGraphProblem> problems, HashSet<string> ids, Func<string, bool>? exists, int depth)
    {
        // Ids: missing and duplicate.
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step is null || string.IsNullOrWhiteSpace(step.Id))
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.MissingStepId, $"Step #{i + 1}{(prefix.Length == 0 ? "" : $" of '{prefix.TrimEnd('/')}'")} has no id.", []));
                continue;
            }

            if (!ids.Add(step.Id) && duplicates.Add(step.Id))
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.DuplicateStepId, $"Step id '{prefix}{step.Id}' is used by more than one step.", [prefix + step.Id]));
            }
        }

        foreach (var step in steps)
        {
            if (step is null || string.IsNullOrWhiteSpace(step.Id))
            {
                continue;
            }

            var name = prefix + step.Id;
            foreach (var dependency in step.DependsOn ?? [])
            {
                if (!ids.Contains(dependency) && (exists is null || !exists(dependency)))
                {
                    problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnknownDependency, $"Step '{name}' depends on '{prefix}{dependency}', which does not exist.", [name], dependency));
                }
            }

            if (!string.IsNullOrEmpty(step.Role) && KnownRoles is not null && !KnownRoles.Contains(step.Role))
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnknownRole, $"Step '{name}' names role '{step.Role}', which is not registered.", [name], step.Role));
            }

            if (SupportedKinds is not null && !SupportedKinds.Contains(step.Kind))
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnsupportedKind, $"Step '{name}' is of kind '{step.Kind}', for which no step handler is registered.", [name], step.Kind.ToString()));
            }

            if (step.Kind == StepKind.Tool)
            {
                if (string.IsNullOrWhiteSpace(step.Tool))
                {
                    problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnknownTool, $"Tool step '{name}' names no tool.", [name]));
                }
                else if (KnownTools is not null && !KnownTools.Contains(step.Tool))
                {
                    problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnknownTool, $"Step '{name}' calls tool '{step.Tool}', which is not registered.", [name], step.Tool));
                }
            }

            foreach (var gate in step.Gates ?? [])
            {
                if (KnownGates is not null && !KnownGates.Contains(gate))
                {
                    problems.Add(new TaskGraphProblem(TaskGraphProblemKind.UnknownGate, $"Step '{name}' names gate '{gate}', which is not registered.", [name], gate));
                }
            }

            if (step.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.NonPositiveTimeout, $"Step '{name}' has timeout {timeout}; it must be positive.", [name]));
            }

            if (step.MaxAttempts is { } attempts && attempts <= 0)
            {
                problems.Add(new TaskGraphProblem(TaskGraphProblemKind.NonPositiveMaxAttempts, $"Step '{name}' has maxAttempts {attempts}; it must be positive.", [name]));
            }

            if (step.Kind == StepKind.Graph)
            {
                if (step.Graph is null)
                {
                    problems.Add(new TaskGraphProblem(TaskGraphProblemKind.MissingSubgraph, $"Graph step '{name}' has no nested graph.", [name]));
                }
                else if (depth < 32)
                {
                    ValidateGraph(step.Graph, name + "/", problems, depth + 1);
                }
            }
        }

        foreach (var cycle in FindCycles(steps, ids))
        {
            var named = cycle.Select(id => prefix + id).ToList();
            var loop = string.Join(" -> ", named.Append(named[0]));
            problems.Add(new TaskGraphProblem(TaskGraphProblemKind.Cycle, $"Steps depend on each other in a cycle: {loop}.", named));
        }
    }

    /// <summary>Finds one cycle in every strongly connected component that has one (Tarjan), in dependency order.</summary>
    private static List<List<string>> FindCycles(IReadOnlyList<TaskStep> steps, HashSet<string> ids)
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (step is null || string.IsNullOrWhiteSpace(step.Id) || edges.ContainsKey(step.Id))
            {
                continue;
            }

            edges[step.Id] = (step.DependsOn ?? []).Where(ids.Contains).Distinct(StringComparer.Ordinal).ToList();
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        var counter = 0;

        foreach (var start in edges.Keys)
        {
            if (index.ContainsKey(start))
            {
                continue;
            }

            // Iterative Tarjan to stay safe on long chains.
            var work = new Stack<(string Node, int Edge)>();
            work.Push((start, 0));
            index[start] = low[start] = counter++;
            stack.Push(start);
            onStack.Add(start);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var next = edges[node];
                if (edge < next.Count)
                {
                    work.Push((node, edge + 1));
                    var target = next[edge];
                    if (!index.TryGetValue(target, out var targetIndex))
                    {
                        index[target] = low[target] = counter++;
                        stack.Push(target);
                        onStack.Add(target);
                        work.Push((target, 0));
                    }
                    else if (onStack.Contains(target))
                    {
                        low[node] = Math.Min(low[node], targetIndex);
                    }

                    continue;
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }

                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != node);

                    if (component.Count > 1 || edges[node].Contains(node))
                    {
                        components.Add(component);
                    }
                }
            }
        }

        var cycles = new List<List<string>>();
        foreach (var component in components)
        {
            var members = new HashSet<string>(component, StringComparer.Ordinal);
            cycles.Add(TraceCycle(component.Min(StringComparer.Ordinal)!, members, edges));
        }

        return cycles;
    }

    private static List<string> TraceCycle(string start, HashSet<string> members, Dictionary<string, List<string>> edges)
    {
        // Breadth-first from start back to start inside the component gives a shortest cycle through start.
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in edges[node])
            {
                if (!members.Contains(next))
                {
                    continue;
                }

                if (next == start)
                {
                    var path = new List<string> { node };
                    while (path[^1] != start)
                    {
                        path.Add(previous[path[^1]]);
                    }

                    path.Reverse();
                    return path;
                }

                if (previous.TryAdd(next, node))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return [start];
    }
}
