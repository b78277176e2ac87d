namespace Research.Framework.Text;

/// <summary>"Did you mean" ordering of names, for every error that lists the valid choices (settings, options, experiments, sweep-file keys).</summary>
public static class ClosestNames
{
    /// <summary>The candidates ordered by edit distance to <paramref name="name"/> (case-insensitive), stable otherwise.</summary>
    public static IEnumerable<string> Order(string name, IEnumerable<string> candidates) =>
        candidates.OrderBy(candidate => Distance(candidate.ToLowerInvariant(), name.ToLowerInvariant()));

    /// <summary>Levenshtein distance.</summary>
    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
