namespace Research.Framework.Sweeps;

/// <summary>The search side's factories, for the execution side: a strategy for a method, the pruner of a spec.</summary>
public static class SweepEngine
{
    /// <summary>Grid, random, or TPE for bayes (which needs the direction of the objective).</summary>
    public static ISearchStrategy Strategy(SearchMethod method, SweepGoal goal = SweepGoal.Minimize) => method switch
    {
        SearchMethod.Grid => new GridSearch(),
        SearchMethod.Random => new RandomSearch(),
        SearchMethod.Bayes => new TpeSearch(goal),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Valid methods: Grid, Random, Bayes."),
    };

    /// <summary>The strategy of <paramref name="spec"/> (its method, in the direction of its objective).</summary>
    public static ISearchStrategy Strategy(SweepSpec spec) => Strategy(spec.Method, spec.Objective?.Goal ?? SweepGoal.Minimize);

    /// <summary>The pruner of <paramref name="spec"/> (its <c>early_terminate</c>), or null when trials always run to the end.</summary>
    public static IPruner? Pruner(SweepSpec spec) => spec.Pruner;
}
