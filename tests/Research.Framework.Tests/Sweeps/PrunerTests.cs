using Research.Framework.Sweeps;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>Each pruner against rungs and thresholds worked out by hand in the comments.</summary>
public class PrunerTests
{
    static TrialRecord Trial(int id, TrialState state, params (long Step, double Value)[] intermediate) =>
        new(id, id, state, new Dictionary<string, string>(), state == TrialState.Complete ? intermediate[^1].Value : null, intermediate);

    // ---- Median (Optuna defaults: 5 startup trials, no warmup, every step, 1 trial at the step) ----

    /// <summary>Five complete trials whose values at step 1 are 1..5: the median there is 3.</summary>
    static List<TrialRecord> FiveComplete() =>
        [.. Enumerable.Range(1, 5).Select(i => Trial(i, TrialState.Complete, (0, 10.0), (1, i), (2, i / 2.0)))];

    [Fact]
    public void Median_compares_the_best_value_so_far_with_the_median_at_the_step()
    {
        var trials = FiveComplete();
        var pruner = new MedianPruner();
        // Best so far 2.5 (step 0) < median 3: keep. Best 3.2 > 3: prune.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 2.5), (1, 3.5)), trials, SweepGoal.Minimize));
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 3.2), (1, 3.5)), trials, SweepGoal.Minimize));
        // Maximizing, the best is the largest: 3.5 > 3 keeps, 2.9 < 3 prunes.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 2.5), (1, 3.5)), trials, SweepGoal.Maximize));
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 2.9), (1, 2.8)), trials, SweepGoal.Maximize));
        // Only four complete trials: still starting up.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 9.0), (1, 9.0)), trials.Skip(1).ToList(), SweepGoal.Minimize));
        // Running and pruned trials are not compared with: with 4 complete ones plus others, still starting up.
        var mixed = trials.Skip(1).Append(Trial(6, TrialState.Pruned, (0, 1.0), (1, 0.5))).Append(Trial(7, TrialState.Running, (0, 1.0))).ToList();
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (0, 9.0), (1, 9.0)), mixed, SweepGoal.Minimize));
        // An even count: with n_startup_trials 4, the median of 2, 3, 4, 5 at step 1 is 3.5.
        Assert.False(new MedianPruner(StartupTrials: 4).ShouldPrune(Trial(9, TrialState.Running, (0, 3.4), (1, 3.6)), trials.Skip(1).ToList(), SweepGoal.Minimize));
        Assert.True(new MedianPruner(StartupTrials: 4).ShouldPrune(Trial(9, TrialState.Running, (0, 3.6), (1, 3.6)), trials.Skip(1).ToList(), SweepGoal.Minimize));
    }

    [Fact]
    public void Median_waits_for_warmup_intervals_and_enough_trials_at_the_step()
    {
        var trials = FiveComplete();
        var bad = Trial(9, TrialState.Running, (0, 20.0), (1, 20.0));
        // Warmup 2: step 1 is not judged.
        Assert.False(new MedianPruner(WarmupSteps: 2).ShouldPrune(bad, trials, SweepGoal.Minimize));
        // Interval 2 from step 0: step 1 follows step 0 inside the interval [0, 2): not judged; step 2 after
        // step 1 opens the interval [2, 4): judged (median at step 2 of 0.5..2.5 is 1.5 < 20).
        Assert.False(new MedianPruner(IntervalSteps: 2).ShouldPrune(bad, trials, SweepGoal.Minimize));
        Assert.True(new MedianPruner(IntervalSteps: 2).ShouldPrune(Trial(9, TrialState.Running, (0, 20.0), (1, 20.0), (2, 20.0)), trials, SweepGoal.Minimize));
        // No complete trial reported step 7: nothing to compare with.
        Assert.False(new MedianPruner().ShouldPrune(Trial(9, TrialState.Running, (7, 20.0)), trials, SweepGoal.Minimize));
        // n_min_trials 6 > the 5 values at step 1.
        Assert.False(new MedianPruner(MinTrials: 6).ShouldPrune(bad, trials, SweepGoal.Minimize));
        Assert.True(new MedianPruner().ShouldPrune(bad, trials, SweepGoal.Minimize));
    }

    // ---- Successive halving (min_resource 1, η = 4, rate 0: rungs at steps 1, 4, 16, ...) ----

    [Fact]
    public void Successive_halving_keeps_the_top_quarter_of_each_rung()
    {
        var pruner = new SuccessiveHalvingPruner(MinResource: 1, ReductionFactor: 4);
        Assert.Equal([1.0, 4, 16], new[] { 0, 1, 2 }.Select(pruner.RungStep));
        // Rung 0 records (value at the first report at or after step 1) of the others: 1, 2, 3.
        var others = new List<TrialRecord>
        {
            Trial(1, TrialState.Complete, (1, 1.0), (4, 0.5), (16, 0.2)),
            Trial(2, TrialState.Pruned, (1, 2.0)),
            Trial(3, TrialState.Running, (0, 9.0), (2, 3.0)),
        };
        // A value of 2.5 at step 1 makes 4 records 1, 2, 2.5, 3: the top ⌊4/4⌋ = 1 is 1, so 2.5 is pruned.
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 2.5)), others, SweepGoal.Minimize));
        // 0.5 is the best of the rung: promoted; rung 1 is at step 4, not reached.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 0.5)), others, SweepGoal.Minimize));
        // Maximizing, 2.5 is not the largest of 1, 2, 2.5, 3 (pruned) and 3.5 is (kept).
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 2.5)), others, SweepGoal.Maximize));
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 3.5)), others, SweepGoal.Maximize));
        // The first trial to reach a rung is alone there: promoted.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 100.0)), [], SweepGoal.Minimize));
    }

    [Fact]
    public void Successive_halving_judges_each_rung_once_and_may_cross_several_at_a_report()
    {
        var pruner = new SuccessiveHalvingPruner(MinResource: 1, ReductionFactor: 4);
        var others = new List<TrialRecord>
        {
            Trial(1, TrialState.Complete, (1, 1.0), (4, 0.5)),
            Trial(2, TrialState.Complete, (1, 2.0), (4, 1.5)),
            Trial(3, TrialState.Complete, (1, 3.0), (4, 2.5)),
        };
        // Rung 0 was passed at step 1 (value 0.5, the best); the report at step 2 is between rungs: not judged, however bad.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 0.5), (2, 9.0)), others, SweepGoal.Minimize));
        // A first report at step 5 crosses rungs 0 and 1 with 0.7: best of rung 0 (1, 2, 3, 0.7) but at rung 1
        // (records 0.5, 1.5, 2.5, 0.7) the top one is 0.5: pruned.
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (5, 0.7)), others, SweepGoal.Minimize));
        // With 8 records at rung 0 the top ⌊8/4⌋ = 2 go on: add 4 more records (4, 5, 6, 7) to 1, 2, 3; 1.5 is second.
        var eight = others.Concat(Enumerable.Range(4, 4).Select(i => Trial(i, TrialState.Complete, (1, (double)i)))).ToList();
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 1.5)), eight, SweepGoal.Minimize));
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 2.5)), eight, SweepGoal.Minimize));
        // min_early_stopping_rate 1 moves rung 0 to step 4: step 1 is not judged.
        Assert.False(new SuccessiveHalvingPruner(1, 4, 1).ShouldPrune(Trial(9, TrialState.Running, (1, 9.0)), others, SweepGoal.Minimize));
    }

    // ---- W&B hyperband ----

    [Fact]
    public void Hyperband_bands_follow_min_iter_or_max_iter()
    {
        Assert.Equal([2L, 6, 18, 54], new HyperbandPruner(MinIter: 2, Eta: 3).Bands.Take(4));
        // max_iter 81, s 3, η 3: 81/3, 81/9, 81/27 sorted.
        Assert.Equal([3L, 9, 27], new HyperbandPruner(MaxIter: 81, S: 3, Eta: 3).Bands);
        // max_iter 5, s 2, η 2: int(2.5) = 2, int(1.25) = 1.
        Assert.Equal([1L, 2], new HyperbandPruner(MaxIter: 5, S: 2, Eta: 2).Bands);
        Assert.NotNull(new HyperbandPruner(Eta: 3).Problem);
    }

    /// <summary>
    /// Bands 2, 6, 18 (min_iter 2, η 3). As in wandb/sweeps, band b is judged once a trial has more than b values, on the
    /// value at 0-based index b (h[band] for len(h) > band): band 2 on the third value, band 6 on the seventh. Steps
    /// are training steps 100, 200, ...: only the NUMBER of values counts. Third values: T1 3, T2 4.5 (T3 has two).
    /// </summary>
    static List<TrialRecord> HyperbandTrials() =>
    [
        Trial(1, TrialState.Complete, (100, 5), (200, 4), (300, 3), (400, 2), (500, 1.5), (600, 1.2), (700, 1.0)),
        Trial(2, TrialState.Complete, (100, 6), (200, 5), (300, 4.5), (400, 4), (500, 3.8), (600, 3.5), (700, 3.2)),
        Trial(3, TrialState.Pruned, (100, 7), (200, 6.5)),
    ];

    [Fact]
    public void Hyperband_stops_a_trial_above_the_band_threshold()
    {
        var pruner = new HyperbandPruner(MinIter: 2, Eta: 3);
        var trials = HyperbandTrials();
        // Own third value 5.5: band 2 values sorted 3, 4.5, 5.5; index int(3/3) = 1 gives threshold 4.5; 5.5 > 4.5: stop.
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (100, 6), (200, 5), (300, 5.5)), trials, SweepGoal.Minimize));
        // Own 4.4: sorted 3, 4.4, 4.5, threshold 4.4; 4.4 > 4.4 is false: keep.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (100, 6), (200, 5), (300, 4.4)), trials, SweepGoal.Minimize));
        // Two values only (band 2 needs more than two): no band reached yet, however bad they are.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (100, 99), (200, 99)), trials, SweepGoal.Minimize));
        // Strict uses the value at the band; not strict the best so far: 2.0 at the first value keeps the trial.
        var early = Trial(9, TrialState.Running, (100, 2.0), (200, 6), (300, 5.5));
        Assert.True(pruner.ShouldPrune(early, trials, SweepGoal.Minimize));
        Assert.False((pruner with { Strict = false }).ShouldPrune(early, trials, SweepGoal.Minimize));
        // Past a band but short of the next one (band 6 needs seven values), the last band reached judges: still band 2.
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (100, 6), (200, 5), (300, 5.5), (400, 0.1)), trials, SweepGoal.Minimize));
    }

    [Fact]
    public void Hyperband_band_six_and_maximizing()
    {
        var pruner = new HyperbandPruner(MinIter: 2, Eta: 3);
        var trials = HyperbandTrials();
        // Seven values: band 6, judged on the seventh. T1 1.0, T2 3.2 and own 2.0: sorted 1.0, 2.0, 3.2, index int(3/3) = 1 → 2.0; keep.
        var seven = Trial(9, TrialState.Running, (1, 9), (2, 9), (3, 0.5), (4, 9), (5, 9), (6, 9), (7, 2.0));
        Assert.False(pruner.ShouldPrune(seven, trials, SweepGoal.Minimize));
        // Own 3.6: sorted 1.0, 3.2, 3.6 → threshold 3.2 < 3.6: stop.
        Assert.True(pruner.ShouldPrune(seven with { Intermediate = [.. seven.Intermediate.Take(6), (7L, 3.6)] }, trials, SweepGoal.Minimize));
        // Maximizing negates: band 2 values −3, −4.5 and own −5.5 sort to −5.5, −4.5, −3; threshold −4.5; own −5.5 is not
        // above: keep. Own 2.0 (−2): sorted −4.5, −3, −2, threshold −3; −2 > −3: stop.
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 6), (2, 6), (3, 5.5)), trials, SweepGoal.Maximize));
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, (1, 6), (2, 6), (3, 2.0)), trials, SweepGoal.Maximize));
    }

    [Fact]
    public void Factories_give_the_method_strategy_and_the_spec_pruner()
    {
        Assert.IsType<GridSearch>(SweepEngine.Strategy(SearchMethod.Grid));
        Assert.IsType<RandomSearch>(SweepEngine.Strategy(SearchMethod.Random));
        Assert.IsType<TpeSearch>(SweepEngine.Strategy(SearchMethod.Bayes, SweepGoal.Maximize));
        var spec = SweepFile.ParseYaml("method: random\nmetric: {name: loss}\nearly_terminate: {type: successive_halving, min_resource: 10}\nparameters:\n  lr: {value: 1}\n");
        Assert.Equal(new SuccessiveHalvingPruner(10, 4, 0), SweepEngine.Pruner(spec));
        Assert.Null(SweepEngine.Pruner(spec with { Pruner = null }));
    }
}
