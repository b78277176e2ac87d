namespace Research.Framework.Sweeps;

/// <summary>W&amp;B's random search: every parameter drawn on its own through its law's inverse CDF.</summary>
public sealed class RandomSearch : ISearchStrategy
{
    /// <summary>One independent draw of every parameter of <paramref name="space"/>.</summary>
    public static IReadOnlyDictionary<string, string> Draw(SearchSpace space, Random random) =>
        space.Parameters.ToDictionary(p => p.Key, p => p.Distribution.Sample(random));

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<TrialRecord> trials, Random random) =>
        Draw(space, random);
}
