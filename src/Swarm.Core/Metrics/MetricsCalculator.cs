namespace Swarm;

/// <summary>Computes <see cref="SwarmRunMetrics"/> from step records (critical path over a DAG, weighted by steps and by measured time).</summary>
internal static class MetricsCalculator
{
    public static SwarmRunMetrics Compute(IReadOnlyList<StepRecord> steps, TimeSpan wallTime)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var byParent = new Dictionary<string, List<StepRecord>>(StringComparer.Ordinal);
        var top = new List<StepRecord>();
        foreach (var record in steps)
        {
            if (record.ParentStepId is null)
            {
                top.Add(record);
            }
            else
            {
                if (!byParent.TryGetValue(record.ParentStepId, out var list))
                {
                    byParent[record.ParentStepId] = list = [];
                }

                list.Add(record);
            }
        }

        var notes = new List<string>();
        var fake = new List<string>();
        var group = Analyze(top, byParent, notes, fake);

        // Unconsumed sub-agents: a step nothing depends on while a sibling of the same fan-out (same dependencies) is consumed.
        var consumed = new HashSet<string>(top.Count, StringComparer.Ordinal);
        foreach (var record in top)
        {
            foreach (var dependency in record.DependsOn)
            {
                consumed.Add(dependency);
            }
        }

        var keys = new string[top.Count];
        var fanOuts = new Dictionary<string, (int Count, bool AnyConsumed)>(top.Count, StringComparer.Ordinal);
        for (var i = 0; i < top.Count; i++)
        {
            var dependsOn = top[i].DependsOn;
            var key = dependsOn.Count switch
            {
                0 => string.Empty,
                1 => dependsOn[0],
                _ => string.Join('\u001f', dependsOn.Order(StringComparer.Ordinal)),
            };
            keys[i] = key;
            fanOuts.TryGetValue(key, out var siblings);
            fanOuts[key] = (siblings.Count + 1, siblings.AnyConsumed || consumed.Contains(top[i].StepId));
        }

        for (var i = 0; i < top.Count; i++)
        {
            var record = top[i];
            var siblings = fanOuts[keys[i]];
            if (siblings.Count >= 2 && siblings.AnyConsumed && !consumed.Contains(record.StepId) && Ran(record))
            {
                fake.Add(record.StepId);
                notes.Add($"Step '{record.StepId}' ran in parallel with its siblings but nothing consumes its output.");
            }
        }

        var maxConcurrency = MaxConcurrency(steps);
        var serialCollapse = group.Total > group.Critical
            && group.Sequential > TimeSpan.Zero
            && wallTime >= group.Sequential * 0.9
            && group.CriticalTime < group.Sequential * 0.9;
        if (serialCollapse)
        {
            notes.Add($"The graph allows {group.Total} steps in {group.Critical} critical steps, but the run took {wallTime.TotalSeconds:F3} s of {group.Sequential.TotalSeconds:F3} s sequential: it executed serially.");
        }

        return new SwarmRunMetrics
        {
            TotalSteps = group.Total,
            CriticalSteps = group.Critical,
            Parallelism = group.Critical == 0 ? 0 : (double)group.Total / group.Critical,
            SubAgentSteps = group.SubAgents,
            SequentialTime = group.Sequential,
            CriticalPathTime = group.CriticalTime,
            WallTime = wallTime,
            TimeParallelism = wallTime > TimeSpan.Zero ? group.Sequential / wallTime : 0,
            SchedulingEfficiency = wallTime > TimeSpan.Zero ? group.CriticalTime / wallTime : 0,
            MaxConcurrency = maxConcurrency,
            CriticalPath = group.Path,
            SerialCollapse = serialCollapse,
            FakeParallelism = fake.Count > 0,
            FakeParallelSteps = fake,
            Notes = notes,
        };
    }

    private static bool Ran(StepRecord record) => record.Status is StepStatus.Succeeded or StepStatus.Failed || (record.Status == StepStatus.Canceled && record.Attempts > 0);

    private static GroupResult Analyze(List<StepRecord> group, Dictionary<string, List<StepRecord>> byParent, List<string> notes, List<string> fake)
    {
        var index = new Dictionary<string, int>(group.Count, StringComparer.Ordinal);
        for (var i = 0; i < group.Count; i++)
        {
            index.TryAdd(group[i].StepId, i);
        }

        var weight = new int[group.Count];
        var time = new TimeSpan[group.Count];
        var total = 0;
        var subAgents = 0;
        var sequential = TimeSpan.Zero;
        for (var i = 0; i < group.Count; i++)
        {
            var record = group[i];
            if (!Ran(record))
            {
                continue;
            }

            time[i] = record.Duration;
            if (record.SubRun is { } sub)
            {
                weight[i] = sub.CriticalSteps;
                total += sub.TotalSteps;
                subAgents += sub.TotalSteps;
                sequential += sub.SequentialTime;
                if (sub.TotalSteps >= 2 && sub.CriticalSteps == sub.TotalSteps)
                {
                    fake.Add(record.StepId);
                    notes.Add($"Nested graph '{record.StepId}' ran its {sub.TotalSteps} steps as a chain: as a sub-agent it does not shorten the critical path.");
                }

                continue;
            }

            weight[i] = 1;
            total += 1;
            sequential += record.WorkDuration;
            if (byParent.TryGetValue(record.StepId, out var children))
            {
                var inner = Analyze(children, byParent, notes, fake);
                weight[i] += inner.Critical;
                total += inner.Total;
                subAgents += inner.Total;
                sequential += inner.Sequential;
                if (inner.Total >= 2 && inner.Critical == inner.Total)
                {
                    fake.Add(record.StepId);
                    notes.Add($"Step '{record.StepId}' spawned {inner.Total} children that ran as a chain: they do not shorten the critical path.");
                }
            }
        }

        // Longest paths in dependency order (records may come in any order, so sort topologically).
        var order = TopologicalOrder(group, index);
        var bestSteps = new int[group.Count];
        var bestTime = new TimeSpan[group.Count];
        var previous = new int[group.Count];
        var critical = 0;
        var criticalTime = TimeSpan.Zero;
        var last = -1;
        foreach (var i in order)
        {
            var steps = 0;
            var elapsed = TimeSpan.Zero;
            previous[i] = -1;
            foreach (var dependency in group[i].DependsOn)
            {
                if (!index.TryGetValue(dependency, out var d))
                {
                    continue;
                }

                steps = Math.Max(steps, bestSteps[d]);
                if (bestTime[d] > elapsed || (previous[i] < 0 && bestTime[d] == elapsed))
                {
                    elapsed = bestTime[d];
                    previous[i] = d;
                }
            }

            bestSteps[i] = steps + weight[i];
            bestTime[i] = elapsed + time[i];
            critical = Math.Max(critical, bestSteps[i]);
            if (last < 0 || bestTime[i] > criticalTime || (bestTime[i] == criticalTime && bestSteps[i] > bestSteps[last]))
            {
                criticalTime = bestTime[i];
                last = i;
            }
        }

        var path = new List<string>();
        for (var i = last; i >= 0; i = previous[i])
        {
            path.Add(group[i].StepId);
        }

        path.Reverse();
        return new GroupResult(total, critical, subAgents, sequential, criticalTime, path);
    }

    private static ArraySegment<int> TopologicalOrder(List<StepRecord> group, Dictionary<string, int> index)
    {
        // Kahn's algorithm over compact arrays (dependents in CSR form).
        var count = group.Count;
        var pending = new int[count];
        var offsets = new int[count + 1];
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in group[i].DependsOn)
            {
                if (index.TryGetValue(dependency, out var d) && d != i)
                {
                    pending[i]++;
                    offsets[d + 1]++;
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var dependents = new int[offsets[count]];
        var fill = new int[count];
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in group[i].DependsOn)
            {
                if (index.TryGetValue(dependency, out var d) && d != i)
                {
                    dependents[offsets[d] + fill[d]++] = i;
                }
            }
        }

        var order = new int[count];
        int head = 0, tail = 0;
        for (var i = 0; i < count; i++)
        {
            if (pending[i] == 0)
            {
                order[tail++] = i;
            }
        }

        while (head < tail)
        {
            var i = order[head++];
            for (var e = offsets[i]; e < offsets[i + 1]; e++)
            {
                if (--pending[dependents[e]] == 0)
                {
                    order[tail++] = dependents[e];
                }
            }
        }

        return new ArraySegment<int>(order, 0, tail);
    }

    private static int MaxConcurrency(IReadOnlyList<StepRecord> steps)
    {
        // Starts and ends as ticks*2 (+1 for a start) so that, at equal times, ends sort before starts.
        var edges = new long[steps.Count * 2];
        var n = 0;
        foreach (var record in steps)
        {
            if (!Ran(record))
            {
                continue;
            }

            var end = record.StartOffset + (record.ParentStepId is null ? record.Duration : record.WorkDuration);
            edges[n++] = (record.StartOffset.Ticks * 2) + 1;
            edges[n++] = end.Ticks * 2;
        }

        Array.Sort(edges, 0, n);
        int current = 0, max = 0;
        for (var i = 0; i < n; i++)
        {
            current += (edges[i] & 1) == 1 ? 1 : -1;
            max = Math.Max(max, current);
        }

        return max;
    }

    private readonly record struct GroupResult(int Total, int Critical, int SubAgents, TimeSpan Sequential, TimeSpan CriticalTime, List<string> Path);
}
