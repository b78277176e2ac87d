namespace Research.Framework.Sweeps;

/// <summary>
/// The tree-structured Parzen estimator (W&amp;B <c>bayes</c> here), univariate, with Optuna's defaults
/// (<c>optuna/samplers/_tpe/sampler.py</c>): the first <see cref="StartupTrials"/> trials are random; then the
/// γ(n) = min(⌈0.1 n⌉, 25) best of the n finished trials form l(x) and the others g(x), and for each parameter
/// <see cref="Candidates"/> draws from l(x) compete for the largest l(x)/g(x).
/// </summary>
/// <remarks>
/// As in Optuna: finished means complete or pruned; complete trials fill the good set first, then pruned ones
/// ranked by their furthest step and their last intermediate value there; failed trials (and complete ones without
/// a value) are ignored. The constant liar is on (Optuna's default since 2026): running and waiting trials count as
/// bad, in g(x), so workers that ask at the same time are steered away from each other's points. Each parameter is
/// modelled on its own (Optuna's univariate mode); a trial that lacks a parameter, or holds a value outside its law,
/// is left out of that parameter's estimators only.
/// </remarks>
public sealed class TpeSearch(SweepGoal goal, int startupTrials = 10, int candidates = 24) : ISearchStrategy
{
    /// <summary>Random trials before the estimators take over.</summary>
    public int StartupTrials => startupTrials;

    /// <summary>Draws from l(x) scored per parameter.</summary>
    public int Candidates => candidates;

    /// <summary>Optuna's default γ: how many of <paramref name="finished"/> trials are good.</summary>
    public static int Gamma(int finished) => Math.Min((int)Math.Ceiling(0.1 * finished), 25);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string>? Suggest(SearchSpace space, IReadOnlyList<TrialRecord> trials, Random random)
    {
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is { } v && !double.IsNaN(v)).ToList();
        var pruned = trials.Where(t => t.State == TrialState.Pruned).ToList();
        int finished = complete.Count + pruned.Count;
        if (finished < startupTrials) return RandomSearch.Draw(space, random);

        var (below, above) = Split(complete, pruned, Gamma(finished));
        above.AddRange(trials.Where(t => t.State is TrialState.Running or TrialState.Waiting));
        below.Sort((a, b) => a.Number.CompareTo(b.Number));
        above.Sort((a, b) => a.Number.CompareTo(b.Number));
        return space.Parameters.ToDictionary(p => p.Key, p => SuggestOne(p, below, above, random));
    }

    (List<TrialRecord> Below, List<TrialRecord> Above) Split(List<TrialRecord> complete, List<TrialRecord> pruned, int count)
    {
        double sign = goal == SweepGoal.Maximize ? -1 : 1;
        var byValue = complete.OrderBy(t => sign * t.Value!.Value).ToList();
        var below = byValue.Take(count).ToList();
        var above = byValue.Skip(count).ToList();
        // Optuna's _get_pruned_trial_score: furthest step first, then the value reported there (NaN worst).
        var byScore = pruned.OrderBy(t => t.Intermediate.Count == 0 ? (1.0, 0.0) : PrunedScore(t, sign)).ToList();
        int more = Math.Max(count - below.Count, 0);
        below.AddRange(byScore.Take(more));
        above.AddRange(byScore.Skip(more));
        return (below, above);
    }

    static (double, double) PrunedScore(TrialRecord trial, double sign)
    {
        var (step, value) = trial.ByStep()[^1];
        return (-step, double.IsNaN(value) ? double.PositiveInfinity : sign * value);
    }

    string SuggestOne(SweepParameter parameter, List<TrialRecord> below, List<TrialRecord> above, Random random)
    {
        var law = parameter.Distribution;
        if (law.Choices is { } choices)
        {
            if (choices.Count == 1) return choices[0];
            var canonical = choices.Select(SweepValue.Canonical).ToList();
            List<int> Indices(List<TrialRecord> set) =>
                [.. set.Select(t => t.Parameters.TryGetValue(parameter.Key, out var v) ? canonical.IndexOf(SweepValue.Canonical(v)) : -1).Where(i => i >= 0)];
            var good = new CategoricalParzenEstimator(Indices(below), choices.Count);
            var bad = new CategoricalParzenEstimator(Indices(above), choices.Count);
            int best = Enumerable.Range(0, candidates).Select(_ => good.Sample(random))
                .MaxBy(c => good.LogScore(c) - bad.LogScore(c));
            return choices[best];
        }
        List<double> Positions(List<TrialRecord> set) =>
            [.. set.Select(t => t.Parameters.TryGetValue(parameter.Key, out var v) ? law.Interval(v) : null)
                .OfType<(double Low, double High)>().Select(c => (c.Low + c.High) / 2)];
        var l = new NumericParzenEstimator(Positions(below));
        var g = new NumericParzenEstimator(Positions(above));
        string? chosen = null;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < candidates; i++)
        {
            double u = l.Sample(random);
            string value = law.Quantile(u);
            var (low, high) = law.Interval(value) is { } cell && cell.High > cell.Low ? cell : (u, u);
            double score = l.LogScore(low, high) - g.LogScore(low, high);
            if (chosen is null || score > bestScore) (chosen, bestScore) = (value, score);
        }
        return chosen!;
    }
}
