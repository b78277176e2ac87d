using System.Globalization;
using Research.Framework.Sweeps;
using Xunit;
using Xunit.Abstractions;

namespace Research.Framework.Tests.Sweeps;

/// <summary>TPE against random search on a cheap objective, and the constant liar.</summary>
public class TpeSearchTests(ITestOutputHelper output)
{
    // A shifted quadratic in a linear, a log-scale, an integer and a categorical parameter; its minimum 0 is at
    // x = 1.3, lr = 10^−3.3, layers = 6, activation = gelu.
    static readonly SearchSpace Space = new(
    [
        new("X", new Uniform(-5, 5)),
        new("LearningRate", new LogUniformValues(1e-6, 1e-1)),
        new("Layers", new IntUniform(1, 8)),
        new("Activation", new Categorical(["relu", "gelu", "tanh", "sigmoid"])),
    ]);

    static readonly Dictionary<string, double> ActivationCost = new() { ["relu"] = 1, ["gelu"] = 0, ["tanh"] = 2, ["sigmoid"] = 3 };

    static double Objective(IReadOnlyDictionary<string, string> p)
    {
        double x = double.Parse(p["X"], CultureInfo.InvariantCulture);
        double lr = double.Parse(p["LearningRate"], CultureInfo.InvariantCulture);
        double layers = double.Parse(p["Layers"], CultureInfo.InvariantCulture);
        return (x - 1.3) * (x - 1.3) + Math.Pow(Math.Log10(lr) + 3.3, 2) + 0.3 * (layers - 6) * (layers - 6) + ActivationCost[p["Activation"]];
    }

    static List<TrialRecord> Run(ISearchStrategy strategy, int budget, int seed, SweepGoal goal = SweepGoal.Minimize)
    {
        var random = new Random(seed);
        var trials = new List<TrialRecord>();
        for (int i = 0; i < budget; i++)
        {
            var parameters = strategy.Suggest(Space, trials, random)!;
            double value = Objective(parameters);
            trials.Add(new TrialRecord(i, i, TrialState.Complete, parameters, goal == SweepGoal.Minimize ? value : -value, []));
        }
        return trials;
    }

    static (double Tpe, double Random, int Wins) Compare(SweepGoal goal, int seeds)
    {
        // The best objective found (f, not the negated value a maximizing sweep reports).
        double sign = goal == SweepGoal.Minimize ? 1 : -1;
        var tpe = Enumerable.Range(0, seeds).Select(s => Run(new TpeSearch(goal), 60, s, goal).Min(t => sign * t.Value!.Value)).ToList();
        var random = Enumerable.Range(0, seeds).Select(s => Run(new RandomSearch(), 60, s, goal).Min(t => sign * t.Value!.Value)).ToList();
        return (tpe.Average(), random.Average(), tpe.Zip(random).Count(p => p.First < p.Second));
    }

    [Fact]
    public void Tpe_beats_random_search_with_60_trials()
    {
        // Measured (seeds 0..9, 60 trials, 10 of them TPE's random startup): mean best f 0.377 for TPE against
        // 1.655 for random search (4.4 times lower), TPE better on 10 of 10 seeds. Asserted: at most half of random's
        // mean, and better on at least 8 seeds.
        var (tpe, random, wins) = Compare(SweepGoal.Minimize, 10);
        output.WriteLine($"minimize: TPE {tpe:F3}, random {random:F3}, TPE better on {wins} of 10");
        Assert.True(tpe < 0.5 * random, $"TPE {tpe} against random {random}");
        Assert.True(wins >= 8, $"TPE better on {wins} of 10 seeds");
    }

    [Fact]
    public void Tpe_follows_the_goal_when_maximizing()
    {
        // The same objective reported as −f with goal maximize must give the same advantage (a sign slip would make
        // TPE chase the worst points and lose to random). Measured (seeds 0..4): mean best f 0.248 for
        // TPE against 1.692 for random search, TPE better on 5 of 5.
        var (tpe, random, wins) = Compare(SweepGoal.Maximize, 5);
        output.WriteLine($"maximize: TPE {tpe:F3}, random {random:F3}, TPE better on {wins} of 5");
        Assert.True(tpe < 0.5 * random, $"TPE {tpe} against random {random}");
        Assert.True(wins >= 4, $"TPE better on {wins} of 5 seeds");
    }

    [Fact]
    public void The_constant_liar_steers_a_second_worker_away_from_a_running_trial()
    {
        // After 20 finished trials, a worker asks and starts trial A. A second worker asking with the same random
        // state would get A again without the liar (the suggestion is deterministic); with A running it gets another.
        int differ = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            var tpe = new TpeSearch(SweepGoal.Minimize);
            var trials = Run(tpe, 20, 100 + seed);
            var first = tpe.Suggest(Space, trials, new Random(seed))!;
            Assert.Equal(first, tpe.Suggest(Space, trials, new Random(seed))!);
            var running = trials.Append(new TrialRecord(20, 20, TrialState.Running, first, null, [])).ToList();
            var second = tpe.Suggest(Space, running, new Random(seed))!;
            if (!second.OrderBy(p => p.Key).SequenceEqual(first.OrderBy(p => p.Key))) differ++;
        }
        output.WriteLine($"second suggestion differs on {differ} of 10 seeds");
        Assert.Equal(10, differ);
    }

    [Fact]
    public void Startup_trials_are_random_and_failed_trials_do_not_count()
    {
        // With 9 finished trials and 5 failed ones, TPE is still in its 10 random startup trials: it draws exactly
        // what random search draws from the same random state.
        var trials = Run(new RandomSearch(), 9, 3)
            .Concat(Enumerable.Range(9, 5).Select(i => new TrialRecord(i, i, TrialState.Failed, RandomSearch.Draw(Space, new Random(i)), null, [])))
            .ToList();
        Assert.Equal(RandomSearch.Draw(Space, new Random(42)), new TpeSearch(SweepGoal.Minimize).Suggest(Space, trials, new Random(42)));
        Assert.Equal(1, TpeSearch.Gamma(10));
        Assert.Equal(3, TpeSearch.Gamma(21));
        Assert.Equal(25, TpeSearch.Gamma(1000));
    }

    [Fact]
    public void Pruned_trials_join_the_good_set_by_their_last_intermediate_value()
    {
        // 10 pruned trials, so γ(10) = 1 good trial, chosen as Optuna does: the furthest step first (trial 7 reached
        // step 20, the others step 10, with better values there). Its X is 4.5, every other trial's X is −4.5, so TPE
        // must propose X near 4.5 (ranking by value alone would pick a trial at −4.5).
        var trials = Enumerable.Range(0, 10).Select(i =>
        {
            var parameters = new Dictionary<string, string> { ["X"] = i == 7 ? "4.5" : "-4.5" };
            IReadOnlyList<(long, double)> steps = i == 7 ? [(10L, 3.0), (20L, 1.0)] : [(10L, 2.0)];
            return new TrialRecord(i, i, TrialState.Pruned, parameters, null, steps);
        }).ToList();
        var space = new SearchSpace([new("X", new Uniform(-5, 5))]);
        var proposals = Enumerable.Range(0, 20)
            .Select(s => double.Parse(new TpeSearch(SweepGoal.Minimize).Suggest(space, trials, new Random(s))!["X"], CultureInfo.InvariantCulture))
            .ToList();
        output.WriteLine(string.Join(", ", proposals.Select(x => x.ToString("F2"))));
        Assert.True(proposals.Count(x => x > 0) >= 18, string.Join(", ", proposals));
    }

    [Fact]
    public void Tpe_proposes_values_of_every_law()
    {
        // After its startup, every proposal must lie in its law's support: a choice of a categorical, a multiple of
        // q inside a quantized law, a number of an ordered law (its probability cell exists).
        var space = new SearchSpace(
        [
            new("a", new Constant("Heun")), new("b", new Categorical(["x", "y", "z"], [0.2, 0.3, 0.5])), new("c", new IntUniform(-2, 9)),
            new("d", new LogUniform(-9.2, -2.3)), new("e", new InvLogUniform(1, 3)), new("f", new InvLogUniformValues(0.01, 1)),
            new("g", new QUniform(0, 10, 0.5)), new("h", new QLogUniform(0, 4, 2)), new("i", new QLogUniformValues(1, 1000, 8)),
            new("j", new Normal(1.5, 0.2)), new("k", new QNormal(0, 3, 1)), new("l", new LogNormal(-1, 0.5)),
            new("m", new QLogNormal(2, 1, 4)), new("n", new Beta(2, 5)), new("o", new QBeta(0.5, 0.5, 0.1)),
        ]);
        var random = new Random(7);
        var tpe = new TpeSearch(SweepGoal.Maximize);
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 30; i++)
        {
            var parameters = tpe.Suggest(space, trials, random)!;
            foreach (var p in space.Parameters)
                Assert.True(p.Distribution.Choices is { } choices ? choices.Contains(parameters[p.Key]) : p.Distribution.Interval(parameters[p.Key]) is not null,
                    $"trial {i}: {p.Key} = {parameters[p.Key]} is not a value of {p.Distribution}");
            trials.Add(new TrialRecord(i, i, TrialState.Complete, parameters, random.NextDouble(), []));
        }
    }
}
