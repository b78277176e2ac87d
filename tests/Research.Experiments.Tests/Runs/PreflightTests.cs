using System.Diagnostics;
using Research.Experiments;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Samplers;
using Xunit;

namespace Research.Experiments.Tests.Runs;

/// <summary>The pre-flight: a sampler pairing that would fail after training fails before it, and the check changes nothing else.</summary>
public sealed class PreflightTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("preflight-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static ExperimentPlan Plan(string name, params string[] extra) =>
        Overrides.Plan(ExperimentCatalog.All.Single(e => e.Name == name), [.. SweepCommandTests.Tiny, .. extra]);

    [Fact]
    public void EdmWithEulerMaruyamasDefaultCoefficientFailsInSecondsBeforeTheRunFolderExists()
    {
        // The first-hour case: EDM's σ grid with Euler–Maruyama's flow-only default coefficient (linear-KL).
        var plan = Plan("edm-checkerboard", "--Steps", "4000") with { Sampler = new EulerMaruyama(32) };
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidSettingException>(() => ExperimentRunner.Run(plan, runs, new StringWriter()));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");   // not after 4,000 steps of training
        Assert.Contains("pre-flight", error.Message);
        Assert.Contains("EulerMaruyama", error.Message);
        Assert.Contains("--skip-preflight", error.Message);
        Assert.False(Directory.Exists(Path.Combine(runs, "edm-checkerboard")), "a run folder was left behind");
    }

    [Fact]
    public void OnTheCommandLineItIsExitTwoAndSkippingItFailsOnlyAfterTraining()
    {
        // Euler–Maruyama's linear-KL coefficient is infinite at t = 1: a grid starting there cannot be sampled.
        string[] run = ["run", "sit-moons-sde", "--runs-dir", runs, .. SweepCommandTests.Tiny, "--Grid.TStart", "1"];

        var (code, output, error) = ProgramTests.Run(run);

        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains("pre-flight", output + error);
        Assert.Contains("t = 1", output + error);   // the sampler's own message says where
        Assert.False(Directory.Exists(Path.Combine(runs, "sit-moons-sde")));

        var late = Assert.Throws<ArgumentException>(() => ProgramTests.Run([.. run, "--skip-preflight"]));   // a failure of the run, not a usage error

        Assert.Contains("t = 1", late.Message);
        var folder = Directory.GetDirectories(Path.Combine(runs, "sit-moons-sde")).Single();
        Assert.Contains("\"_step\":10", File.ReadAllText(Path.Combine(folder, "metrics.jsonl")));   // without the check, it trained first (the first preview failed)
        Assert.Contains("EulerMaruyama", File.ReadAllText(Path.Combine(folder, "error.txt")));
    }

    [Fact]
    public void EulerMaruyamasUnstableConstantCoefficientIsRefusedBeforeTraining()
    {
        // Constant w on SiT: the explicit step factor w·|h|/(2σ²) grows past 1 as t → 0 (the divergence).
        var (code, output, error) = ProgramTests.Run(["run", "sit-moons-sde", "--runs-dir", runs, .. SweepCommandTests.Tiny, "--Sampler.Coeff", "Constant"]);

        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains("pre-flight", output + error);
        Assert.Contains("step factor", output + error);
        Assert.Contains("DiffusionCoeff.LinearKl", output + error);
        Assert.False(Directory.Exists(Path.Combine(runs, "sit-moons-sde")));
    }

    [Fact]
    public void TheCheckLeavesTheRunsNumbersAsTheyWere()
    {
        var with = ExperimentRunner.Run(Plan("sit-checkerboard"), Path.Combine(runs, "a"), new StringWriter());
        var without = ExperimentRunner.Run(Plan("sit-checkerboard") with { Preflight = false }, Path.Combine(runs, "b"), new StringWriter());

        Assert.Equal(without.Summary["train/loss"], with.Summary["train/loss"]);
        Assert.Equal(without.Summary["final/swd"], with.Summary["final/swd"]);
    }
}
