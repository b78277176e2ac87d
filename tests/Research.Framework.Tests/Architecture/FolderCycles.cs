namespace Research.Framework.Tests.Architecture;

/// <summary>The cycles of a dependency graph between folders, each written out with one reference per step.</summary>
public static class FolderCycles
{
    /// <summary>
    /// One cycle per strongly connected group of folders (Tarjan's algorithm), as
    /// <c>Experiments → Sweeps → Experiments (Experiments.IExperiment → Sweeps.SearchSpace; Sweeps.SweepFile → Experiments.Overrides)</c>;
    /// empty when the folders form a layered order.
    /// </summary>
    public static IReadOnlyList<string> Find(IReadOnlyDictionary<string, Dictionary<string, string>> edges)
    {
        var nodes = edges.Keys.Concat(edges.Values.SelectMany(uses => uses.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        return [.. StronglyConnected(nodes, edges).Where(group => group.Count > 1).Select(group => Describe(Cycle(group, edges), edges))];
    }

    static List<List<string>> StronglyConnected(List<string> nodes, IReadOnlyDictionary<string, Dictionary<string, string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var groups = new List<List<string>>();
        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in Next(node, edges))
            {
                if (!index.ContainsKey(next)) { Connect(next); low[node] = Math.Min(low[node], low[next]); }
                else if (stack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node]) return;
            var group = new List<string>();
            string member;
            do { member = stack.Pop(); group.Add(member); } while (member != node);
            groups.Add(group);
        }
        foreach (var node in nodes) if (!index.ContainsKey(node)) Connect(node);
        return groups;
    }

    /// <summary>A shortest cycle through the group's first folder (alphabetically), by breadth-first search inside the group.</summary>
    static List<string> Cycle(List<string> group, IReadOnlyDictionary<string, Dictionary<string, string>> edges)
    {
        var start = group.Order(StringComparer.Ordinal).First();
        var parent = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in Next(node, edges).Where(group.Contains))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var at = node; at != start; at = parent[at]) path.Insert(1, at);
                    path.Add(start);
                    return path;
                }
                if (parent.TryAdd(next, node)) queue.Enqueue(next);
            }
        }
        throw new InvalidOperationException("a strongly connected group of two or more folders has a cycle through each of them");
    }

    static string Describe(List<string> cycle, IReadOnlyDictionary<string, Dictionary<string, string>> edges) =>
        string.Join(" → ", cycle) + " (" + string.Join("; ", cycle.Zip(cycle.Skip(1), (from, to) => edges[from][to])) + ")";

    static IEnumerable<string> Next(string node, IReadOnlyDictionary<string, Dictionary<string, string>> edges) =>
        edges.TryGetValue(node, out var uses) ? uses.Keys.Order(StringComparer.Ordinal) : [];
}
