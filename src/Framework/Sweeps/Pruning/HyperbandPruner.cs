namespace Research.Framework.Sweeps;

/// <summary>
/// W&amp;B's <c>early_terminate: {type: hyperband}</c> (wandb/sweeps <c>hyperband_stopping.py</c>). Bands are
/// <c>min_iter · η^k</c>, or <c>max_iter / η^k</c> for k = 1..s (kept while ≥ 1). Steps are the NUMBER of values a
/// trial logged, not the training step. At band b the threshold is the value at index <c>int(len / η)</c> of the
/// sorted b-th values of every trial that logged at least b values (values negated when maximizing). A trial is
/// stopped when, at the last band it reached, its value there (<see cref="Strict"/>, the default) or its best value
/// so far (not strict) exceeds that band's threshold.
/// </summary>
public sealed record HyperbandPruner(long? MinIter = null, long? MaxIter = null, int? S = null, double Eta = 3, bool Strict = true) : IPruner
{
    /// <summary>The bands in increasing order (W&amp;B computes 100 from min_iter; those past int range are left out).</summary>
    public IReadOnlyList<long> Bands
    {
        get
        {
            var bands = new List<long>();
            if (MaxIter is { } maxIter && S is { } s)
            {
                double band = maxIter;
                for (int i = 0; i < s; i++)
                {
                    band /= Eta;
                    if (band < 1) break;
                    bands.Add((long)band);
                }
                bands.Sort();
            }
            else if (MinIter is { } minIter)
            {
                double band = minIter;
                for (int i = 0; i < 100 && band <= int.MaxValue; i++, band *= Eta) bands.Add((long)band);
            }
            return bands;
        }
    }

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem =>
        MinIter is null && (MaxIter is null || S is null) ? "early_terminate hyperband needs min_iter, or max_iter and s"
        : !(Eta > 1) ? $"early_terminate eta must be greater than 1 (got {Eta})"
        : MinIter is < 1 ? $"early_terminate min_iter must be at least 1 (got {MinIter})"
        : Bands.Count == 0 ? "early_terminate hyperband has no band: increase s, decrease eta, or increase max_iter"
        : null;

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> trials, SweepGoal goal)
    {
        if (Problem is { } problem) throw new InvalidOperationException(problem);
        double sign = goal == SweepGoal.Maximize ? -1 : 1;
        List<double> History(TrialRecord t) =>
            [.. t.Intermediate.OrderBy(p => p.Step).Select(p => sign * p.Value).Where(double.IsFinite)];
        var histories = trials.WithNewest(trial).Select(History).Where(h => h.Count > 0).ToList();
        var own = History(trial);
        var bands = Bands;
        int last = -1;
        // As wandb/sweeps hyperband_stopping.py: band b is judged once a trial has MORE than b values, on its value at
        // 0-based index b (h[band] for len(h) > band), so with min_iter 1 the first judgement is on the second value.
        for (int i = 0; i < bands.Count && bands[i] < own.Count; i++) last = i;
        if (last < 0) return false;
        long band = bands[last];
        var atBand = histories.Where(h => h.Count > band).Select(h => h[(int)band]).Order().ToList();
        double threshold = atBand[(int)(1.0 / Eta * atBand.Count)];
        double condition = Strict ? own[(int)band] : own.Min();
        return condition > threshold;
    }
}
