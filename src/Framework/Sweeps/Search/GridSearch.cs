namespace Research.Framework.Sweeps;

/// <summary>
/// W&amp;B's grid (wandb/sweeps <c>grid_search.py</c>): the Cartesian product of every parameter's
/// <see cref="Distribution.GridValues"/> (constant, categorical without probabilities, int_uniform expanded to every
/// integer, q_uniform expanded by <c>arange(min, max, q)</c>), in odometer order with the last parameter turning
/// fastest. A combination already used by any trial, whatever its state (waiting, running, failed included), is
/// skipped; values are compared by <see cref="SweepValue.Canonical"/>, so <c>3e-4</c> and <c>0.0003</c> are one
/// value. Null when every combination is used.
/// </summary>
public sealed class GridSearch : ISearchStrategy
{
    /// <summary>Why a grid cannot enumerate <paramref name="space"/> (naming the parameter and the allowed laws), or null.</summary>
    public static string? Unenumerable(SearchSpace space) =>
        space.Parameters.FirstOrDefault(p => p.Distribution.GridValues is null) is { } p
            ? $"method grid cannot enumerate parameter {p.Key} ({p.Distribution.Name}); grid allows constant, categorical " +
              "(without probabilities), int_uniform and q_uniform"
            : null;

    /// <summary>The number of combinations of the grid.</summary>
    public static long Size(SearchSpace space) =>
        Unenumerable(space) is { } problem ? throw new ArgumentException(problem, nameof(space))
            : space.Parameters.Aggregate(1L, (n, p) => checked(n * p.Distribution.GridValues!.Count));

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<TrialRecord> trials, Random random)
    {
        if (Unenumerable(space) is { } problem) throw new ArgumentException(problem, nameof(space));
        var keys = space.Parameters.Select(p => p.Key).ToList();
        var values = space.Parameters.Select(p => p.Distribution.GridValues!).ToList();
        var used = trials
            .Select(t => keys.All(t.Parameters.ContainsKey) ? Combination(keys.Select(k => t.Parameters[k])) : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (values.Any(v => v.Count == 0)) return null;
        var index = new int[keys.Count];
        while (true)
        {
            var chosen = index.Select((i, p) => values[p][i]).ToList();
            if (!used.Contains(Combination(chosen)))
                return keys.Zip(chosen).ToDictionary(kv => kv.First, kv => kv.Second);
            int position = keys.Count - 1;
            while (position >= 0 && ++index[position] == values[position].Count) index[position--] = 0;
            if (position < 0) return null;
        }
    }

    static string Combination(IEnumerable<string> values) => string.Join('\u001f', values.Select(SweepValue.Canonical));
}
