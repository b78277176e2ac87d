using Research.Framework.Sweeps;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>W&amp;B sweep files in YAML and JSON: a realistic file, every distribution, the errors, the round trip.</summary>
public class SweepFileTests
{
    const string Yaml = """
        name: fm-lr-sweep
        description: learning rate and sampler
        program: train.py
        method: bayes
        metric:
          name: final/swd
          goal: minimize
          target: 0.01
          impute: worst
        run_cap: 40
        early_terminate:
          type: hyperband
          min_iter: 3
          eta: 2
        parameters:
          LearningRate:
            distribution: log_uniform_values
            min: 1e-5
            max: 1e-3
          BatchSize:
            values: [32, 64, 128]
          Steps:
            min: 10
            max: 50
          Dropout:
            min: 0.0
            max: 0.5
          Sampler:
            parameters:
              Name:
                values: [Heun, "Euler"]
              Steps:
                value: 18
          Warmup:
            distribution: q_uniform
            min: 0
            max: 1000
            q: 100
          Ema:
            distribution: categorical_w_probabilities
            values: [0.999, 0.9999]
            probabilities: [0.25, 0.75]
          Wd:
            distribution: log_uniform
            min: -11.512925464970229
            max: -6.907755278982137
        """;

    const string Json = """
        {
          "name": "fm-lr-sweep", "description": "learning rate and sampler", "program": "train.py",
          "method": "bayes",
          "metric": {"name": "final/swd", "goal": "minimize", "target": 0.01, "impute": "worst"},
          "run_cap": 40,
          "early_terminate": {"type": "hyperband", "min_iter": 3, "eta": 2},
          "parameters": {
            "LearningRate": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-3},
            "BatchSize": {"values": [32, 64, 128]},
            "Steps": {"min": 10, "max": 50},
            "Dropout": {"min": 0.0, "max": 0.5},
            "Sampler": {"parameters": {"Name": {"values": ["Heun", "Euler"]}, "Steps": {"value": 18}}},
            "Warmup": {"distribution": "q_uniform", "min": 0, "max": 1000, "q": 100},
            "Ema": {"distribution": "categorical_w_probabilities", "values": [0.999, 0.9999], "probabilities": [0.25, 0.75]},
            "Wd": {"distribution": "log_uniform", "min": -11.512925464970229, "max": -6.907755278982137}
          }
        }
        """;

    static void AssertSpec(SweepSpec spec)
    {
        Assert.Equal("fm-lr-sweep", spec.Name);
        Assert.Equal("learning rate and sampler", spec.Description);
        Assert.Equal(SearchMethod.Bayes, spec.Method);
        Assert.Equal(new SweepObjective("final/swd", SweepGoal.Minimize, 0.01), spec.Objective);
        Assert.Equal(40, spec.RunCap);
        Assert.Equal(new HyperbandPruner(MinIter: 3, Eta: 2), spec.Pruner);
        Assert.Equal(["program", "metric.impute"], spec.IgnoredKeys);
        Assert.Equal(
        [
            new SweepParameter("LearningRate", new LogUniformValues(1e-5, 1e-3)),
            new SweepParameter("BatchSize", new Categorical(["32", "64", "128"])),
            new SweepParameter("Steps", new IntUniform(10, 50)),
            new SweepParameter("Dropout", new Uniform(0, 0.5)),
            new SweepParameter("Sampler.Name", new Categorical(["Heun", "Euler"])),
            new SweepParameter("Sampler.Steps", new Constant("18")),
            new SweepParameter("Warmup", new QUniform(0, 1000, 100)),
            new SweepParameter("Ema", new Categorical(["0.999", "0.9999"], [0.25, 0.75])),
            new SweepParameter("Wd", new LogUniform(-11.512925464970229, -6.907755278982137)),
        ], spec.Space.Parameters);
    }

    static void AssertSame(SweepSpec expected, SweepSpec actual)
    {
        Assert.Equal(expected.Method, actual.Method);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.Objective, actual.Objective);
        Assert.Equal(expected.Pruner, actual.Pruner);
        Assert.Equal(expected.RunCap, actual.RunCap);
        Assert.Equal(expected.Space.Parameters, actual.Space.Parameters);
    }

    [Fact]
    public void Reads_a_realistic_yaml_file() => AssertSpec(SweepFile.ParseYaml(Yaml));

    [Fact]
    public void Reads_the_same_sweep_in_json() => AssertSpec(SweepFile.ParseJson(Json));

    [Fact]
    public void Reads_a_file_by_its_extension()
    {
        var directory = Directory.CreateTempSubdirectory("sweepfile");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "sweep.yaml"), Yaml);
            File.WriteAllText(Path.Combine(directory.FullName, "sweep.json"), Json);
            AssertSpec(SweepFile.Read(Path.Combine(directory.FullName, "sweep.yaml")));
            AssertSpec(SweepFile.Read(Path.Combine(directory.FullName, "sweep.json")));
            Assert.Contains("does not exist", Assert.Throws<InvalidSweepException>(() => SweepFile.Read(Path.Combine(directory.FullName, "none.yaml"))).Message);
        }
        finally { directory.Delete(true); }
    }

    [Fact]
    public void Writes_json_that_reads_back_to_the_same_spec()
    {
        var every = new SearchSpace(
        [
            new("a", new Constant("Heun")), new("b", new Categorical(["1", "x", "true", "064", "0.0003"])),
            new("c", new Categorical(["p", "q"], [0.3, 0.7])), new("d", new IntUniform(-2, 9)), new("e", new Uniform(-1.5, 2)),
            new("f", new LogUniform(-9.2, -2.3)), new("g", new LogUniformValues(1e-5, 0.1)), new("h", new InvLogUniform(1, 3)),
            new("i", new InvLogUniformValues(0.01, 1)), new("j", new QUniform(0, 10, 0.5)), new("k", new QLogUniform(0, 4, 2)),
            new("l", new QLogUniformValues(1, 1000, 8)), new("m", new Normal(1.5, 0.2)), new("n", new QNormal(0, 3, 1)),
            new("o", new LogNormal(-1, 0.5)), new("p", new QLogNormal(2, 1, 4)), new("q", new Beta(2, 5)), new("r", new QBeta(0.5, 0.5, 0.1)),
            new("opt.lr", new Uniform(0.1, 0.2)),
        ]);
        var pruners = new IPruner?[] { null, new HyperbandPruner(MaxIter: 81, S: 3, Eta: 3, Strict: false), new HyperbandPruner(MinIter: 2),
            new MedianPruner(3, 10, 5, 2), new SuccessiveHalvingPruner(100, 3, 1) };
        foreach (var pruner in pruners)
        {
            var spec = new SweepSpec(SearchMethod.Random, every)
            {
                Name = "all \"laws\"", Description = "every W&B distribution",
                Objective = new SweepObjective("fid", SweepGoal.Maximize, 3.5), Pruner = pruner, RunCap = 7,
            };
            var json = SweepFile.ToJson(spec);
            AssertSame(spec, SweepFile.ParseJson(json));
            Assert.Equal(json, SweepFile.ToJson(SweepFile.ParseJson(json)));
        }
        // A YAML file written back as JSON reads as the same sweep.
        var fromYaml = SweepFile.ParseYaml(Yaml);
        AssertSame(fromYaml, SweepFile.ParseJson(SweepFile.ToJson(fromYaml)));
        Assert.Contains("\"distribution\": \"log_uniform_values\"", SweepFile.ToJson(fromYaml));
    }

    /// <summary>A mistake, the message it must give (the file, the key path, the valid choices, closest first).</summary>
    public static TheoryData<string, string> Mistakes => new()
    {
        { "method: random\nparameters:\n  lr:\n    distribution: loguniform\n    min: 1\n    max: 2\n", "sweep.yaml: parameters.lr.distribution: unknown distribution 'loguniform'. Valid distributions: log_uniform, " },
        { "method: bayesian\nparameters:\n  lr: {value: 1}\n", "method 'bayesian' is not supported. Valid methods: bayes, " },
        { "method: random\nparameters:\n  lr: {mn: 1, max: 2}\n", "parameters.lr: give value, values, min and max, or a distribution" },
        { "method: random\nparameters:\n  lr: {min: 1, max: 2, sigma: 3}\n", "unknown key 'sigma' in a int_uniform parameter. Valid keys: min, max, distribution" },
        { "method: random\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 0.1}\n", "parameters.lr: log_uniform_values: min and max are values here and must be positive (got 0, 0.1); log_uniform takes natural-log exponents" },
        { "method: grid\nparameters:\n  lr: {min: 0.1, max: 0.2}\n  steps: {values: [1, 2]}\n", "method grid cannot enumerate parameter lr (uniform)" },
        { "method: bayes\nparameters:\n  lr: {min: 0.1, max: 0.2}\n", "method bayes needs a metric" },
        { "method: random\nparameters:\n  steps: {distribution: int_uniform, min: 1.5, max: 4}\n", "parameters.steps.min: expected an integer, got '1.5'" },
        { "method: random\nparameters:\n  ema: {values: [a, b], probabilities: [0.5, 0.6]}\n", "probabilities must sum to 1" },
        { "method: random\nmetric: {name: loss}\nearly_terminate: {type: hyperband, eta: 3}\nparameters:\n  lr: {value: 1}\n", "hyperband needs min_iter, or max_iter and s" },
        { "method: random\nmetric: {name: loss}\nearly_terminate: {type: hyperbnd, min_iter: 3}\nparameters:\n  lr: {value: 1}\n", "Valid types: hyperband, " },
        { "method: random\nmetrics: {name: loss}\nparameters:\n  lr: {value: 1}\n", "unknown key 'metrics' in the sweep. Valid keys: metric, " },
        { "method: random\nmetric: {name: loss, goal: minimise}\nparameters:\n  lr: {value: 1}\n", "Valid goals: minimize, maximize" },
        { "method: random\nparameters:\n  lr: 0.1\n", "parameters.lr: a parameter is a mapping" },
        { "method: random\nparameters:\n  lr: {value: 1}\n  opt:\n    parameters:\n      lr: {values: [[1, 2]]}\n", "parameters.opt.parameters.lr.values[0]: a value must be a number, a string or a boolean" },
        { "method: [random\n", "not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Errors_name_the_file_the_parameter_and_the_valid_choices(string yaml, string expected)
    {
        var message = Assert.Throws<InvalidSweepException>(() => SweepFile.ParseYaml(yaml, "sweep.yaml")).Message;
        Assert.StartsWith("sweep.yaml: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Json_syntax_errors_name_the_file() =>
        Assert.StartsWith("s.json: not valid JSON", Assert.Throws<InvalidSweepException>(() => SweepFile.ParseJson("{\"method\": ", "s.json")).Message);

    [Fact]
    public void Resolves_keys_against_the_experiment_settings()
    {
        string[] settings = ["LearningRate", "BatchSize", "Sampler.Steps"];
        var space = new SearchSpace([new("learningrate", new Uniform(0, 1)), new("sampler.steps", new IntUniform(1, 4))]);
        Assert.Equal(["LearningRate", "Sampler.Steps"], space.Resolve("Fm", settings).Parameters.Select(p => p.Key));
        var message = Assert.Throws<InvalidSweepException>(() =>
            new SearchSpace([new("LearnigRate", new Uniform(0, 1))]).Resolve("Fm", settings)).Message;
        Assert.Equal("Unknown sweep parameter 'LearnigRate' for Fm. Valid settings: LearningRate, BatchSize, Sampler.Steps.", message);
    }
}
