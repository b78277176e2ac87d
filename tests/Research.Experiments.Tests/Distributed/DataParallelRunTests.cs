using System.Diagnostics;
using Research.Framework.Experiments;
using Research.Framework.Runs;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Xunit;
using Xunit.Abstractions;

namespace Research.Experiments.Tests.Distributed;

/// <summary>
/// Data-parallel runs under <c>mpirun -np 2</c> against one process. Float32 throughout: the ranks' gradients are means over
/// half batches averaged by the all-reduce, a different order of the same float32 sums, so the weights differ from one
/// process's by rounding only. Measured after 20 steps: ≤ 1e-7 on ToyMlp and the tiny DiT; the tolerance is
/// <see cref="WeightTolerance"/>. Training two ranks on the same half, or on the whole batch, moved weights by 1e-4 or more.
/// </summary>
public sealed class DataParallelRunTests(ITestOutputHelper log) : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("mpi-runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    /// <summary>Float32 rounding of reordered sums, amplified a little by AdamW's division by √v over 20 steps.</summary>
    const double WeightTolerance = 2e-5;

    /// <summary>How long a launch may take on this loaded 2-core machine before the test fails.</summary>
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    static readonly string[] ToyRun = ["run", "sit-checkerboard", "--Steps", "20", "--LogEvery", "5", "--PreviewEvery", "0", "--Evaluate.Every", "0",
        "--SampleCount", "256", "--Network.Hidden", "32", "--Network.Depth", "1", "--Sampler.Steps", "4", "--Threads", "1", "--Optimizer.WarmupSteps", "5"];

    string[] DiTRun(int steps) => ["run", "dit-fashion-mnist", "--Steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--BatchSize", "8",
        "--LogEvery", "5", "--PreviewEvery", "0", "--PreviewCount", "4", "--SampleCount", "16", "--Evaluate.Every", "0", "--Network.HiddenSize", "32",
        "--Network.Depth", "2", "--Network.NumHeads", "2", "--Network.FrequencyEmbedSize", "32", "--Sampler.Steps", "2", "--Evaluate.ReferenceSteps", "5",
        "--Evaluate.CacheRoot", runs, "--Threads", "1", "--Optimizer.WarmupSteps", "5"];

    [Fact]
    public void TwoRanksOnHalfBatchesTrainToyMlpAsOneProcessOnTheBatch() =>
        AssertSameRun("sit-checkerboard", ToyRun);

    /// <summary>The DiT drops labels (ClassDropoutProb 0.1): each rank's drops are those one process draws for its samples.</summary>
    [Fact]
    public void TwoRanksOnHalfBatchesTrainATinyDiTAsOneProcessOnTheBatch() =>
        AssertSameRun("dit-fashion-mnist", DiTRun(20));

    void AssertSameRun(string name, string[] arguments)
    {
        var single = RunOne([.. arguments, "--runs-dir", Path.Combine(runs, "one")]);
        var (code, output, error) = Launch(2, [.. arguments, "--runs-dir", Path.Combine(runs, "two")]);
        Assert.True(code == 0, $"mpirun exit {code}: {error}\n{output}");
        var parallel = Directory.GetDirectories(Path.Combine(runs, "two", name)).Single();
        Assert.Contains("data parallel: 2 processes", File.ReadAllText(Path.Combine(parallel, "log.txt")));
        Assert.Equal(1, output.Split('\n').Count(l => l.StartsWith("done: ", StringComparison.Ordinal)));   // rank 0 alone reports

        AssertClose(Weights(name, single), Weights(name, parallel), WeightTolerance);
        var (oneLoss, twoLoss) = (Losses(single), Losses(parallel));
        Assert.Equal(oneLoss.Length, twoLoss.Length);
        for (int i = 0; i < oneLoss.Length; i++)
            Assert.True(Math.Abs(oneLoss[i] - twoLoss[i]) <= 1e-5 * Math.Abs(oneLoss[i]), $"logged loss {i}: {oneLoss[i]} (one process) against {twoLoss[i]} (two ranks)");
    }

    /// <summary>Two ranks for 10 steps, then one process resumes for 10 more: the weights of 20 straight steps of one process.</summary>
    [Fact]
    public void TwoRanksThenOneProcessResumesToTheWeightsOfAStraightRun()
    {
        var straight = RunOne([.. DiTRun(20), "--runs-dir", Path.Combine(runs, "straight")]);
        var (code, output, error) = Launch(2, [.. DiTRun(10), "--runs-dir", Path.Combine(runs, "split")]);
        Assert.True(code == 0, $"mpirun exit {code}: {error}\n{output}");
        var split = Directory.GetDirectories(Path.Combine(runs, "split", "dit-fashion-mnist")).Single();
        var (resumed, resumeOutput, resumeError) = ProgramTests.Run("resume", split, "--Steps", "20", "--allow-change", "Steps");
        Assert.True(resumed == 0, $"resume exit {resumed}: {resumeError}\n{resumeOutput}");
        AssertClose(Weights("dit-fashion-mnist", straight), Weights("dit-fashion-mnist", split), WeightTolerance);
    }

    /// <summary>
    /// A rank killed mid-run (SIGKILL, after the first checkpoint): mpirun ends the other rank and exits non-zero well
    /// within a minute, and the run resumes in one process from the checkpoint rank 0 wrote.
    /// </summary>
    [Fact]
    public void AKilledRankEndsTheRunAndTheCheckpointResumes()
    {
        var run = StartLong("killed", out var launch);
        int? rank0;
        using (launch)
        {
            rank0 = launch.RankProcess(0);
            int pid = launch.RankProcess(1) ?? throw new InvalidOperationException("rank 1 not found among mpirun's children");
            Process.GetProcessById(pid).Kill();
            var clock = Stopwatch.StartNew();
            var (code, _, error) = launch.Wait(TimeSpan.FromMinutes(1));
            log.WriteLine($"mpirun exited {code} {clock.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.NotEqual(0, code);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
        WaitForExit(rank0);
        AssertResumes(run);
    }

    /// <summary>
    /// A rank that hangs (SIGSTOP) is found by the collectives' timeout (RESEARCH_COLLECTIVE_TIMEOUT 5 s here): rank 0 says
    /// which call timed out and ends the job (MPI_Abort), so mpirun exits non-zero within the timeout plus a margin; the
    /// checkpoint resumes.
    /// </summary>
    [Fact]
    public void AHungRankTimesOutTheCollectivesAndEndsTheRun()
    {
        var run = StartLong("hung", out var launch, new Dictionary<string, string> { ["RESEARCH_COLLECTIVE_TIMEOUT"] = "5" });
        int? rank0;
        using (launch)
        {
            rank0 = launch.RankProcess(0);
            int pid = launch.RankProcess(1) ?? throw new InvalidOperationException("rank 1 not found among mpirun's children");
            using (var stop = Process.Start("kill", ["-STOP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                Assert.True(stop.WaitForExit(10_000) && stop.ExitCode == 0, "kill -STOP failed");
            var clock = Stopwatch.StartNew();
            var (code, output, error) = launch.Wait(TimeSpan.FromSeconds(90));
            log.WriteLine($"mpirun exited {code} {clock.Elapsed.TotalSeconds:0.0} s after the stop");
            Assert.NotEqual(0, code);
            Assert.Contains("did not complete within 5 s", output + error);
        }
        WaitForExit(rank0);
        AssertResumes(run);
    }

    /// <summary>Starts a 2-rank run long enough to be interrupted and returns its folder once its first checkpoint is written.</summary>
    string StartLong(string name, out MpiLaunch launch, IReadOnlyDictionary<string, string>? environment = null)
    {
        launch = MpiLaunch.Start(2, ["run", "sit-checkerboard", "--Steps", "2000", "--LogEvery", "50", "--PreviewEvery", "0", "--Evaluate.Every", "0",
            "--Network.Hidden", "32", "--Network.Depth", "1", "--Threads", "1", "--runs-dir", Path.Combine(runs, name)], environment);
        var folder = Path.Combine(runs, name, "sit-checkerboard");
        while (!Directory.Exists(folder) || Directory.GetDirectories(folder).Length == 0
            || !Directory.Exists(Path.Combine(Directory.GetDirectories(folder)[0], "checkpoints"))
            || Directory.GetFiles(Path.Combine(Directory.GetDirectories(folder)[0], "checkpoints"), "*.ckpt").Length == 0)
        {
            if (launch.HasExited) { var (code, output, error) = launch.Wait(TimeSpan.Zero); throw new InvalidOperationException($"mpirun ended early ({code}): {error}\n{output}"); }
            if (launch.Elapsed > Limit) throw new TimeoutException("no checkpoint within the limit");
            Thread.Sleep(200);
        }
        return Directory.GetDirectories(folder).Single();
    }

    /// <summary>
    /// Waits for rank 0 to be gone: mpirun can return while the rank it sent SIGTERM still stops cleanly and holds the
    /// run's lock, and a resume then (rightly) refuses the folder as in use.
    /// </summary>
    static void WaitForExit(int? pid)
    {
        if (pid is null) return;
        try
        {
            using var process = Process.GetProcessById(pid.Value);
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), $"rank 0 (PID {pid}) still runs a minute after mpirun ended");
        }
        catch (ArgumentException) { }   // already gone
    }

    /// <summary>The run's newest intact checkpoint loads, and one process resumes the run from it.</summary>
    static void AssertResumes(string run)
    {
        long step = new CheckpointStore(CheckpointStore.FolderOf(run)).LatestIntactStep();
        Assert.True(step > 0, $"no intact checkpoint in {run}");
        var (code, output, error) = ProgramTests.Run("resume", run, "--Steps", (step + 10).ToString(System.Globalization.CultureInfo.InvariantCulture), "--allow-change", "Steps");
        Assert.True(code == 0, $"resume exit {code}: {error}\n{output}");
        Assert.Contains($"resume sit-checkerboard", output);
        Assert.Equal(step + 10, new CheckpointStore(CheckpointStore.FolderOf(run)).LatestIntactStep());
    }

    (int Code, string Output, string Error) Launch(int ranks, string[] arguments)
    {
        using var launch = MpiLaunch.Start(ranks, arguments);
        var result = launch.Wait(Limit);
        log.WriteLine($"mpirun -np {ranks}: exit {result.Code} after {launch.Elapsed.TotalSeconds:0.0} s");
        return result;
    }

    string RunOne(string[] arguments)
    {
        var (code, output, error) = ProgramTests.Run(arguments);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var runsDir = arguments[Array.IndexOf(arguments, "--runs-dir") + 1];
        return Directory.GetDirectories(Path.Combine(runsDir, arguments[1])).Single();
    }

    /// <summary>The network's weights in the run's newest checkpoint, read into the recorded plan's model.</summary>
    static float[][] Weights(string experiment, string run)
    {
        var plan = Overrides.Plan(ExperimentCatalog.All.Single(e => e.Name == experiment), RecordedRun.Read(run).OverrideArguments);
        var network = Trainer.TrainedModule(plan.Model);
        var tracks = plan.Trainer.CheckpointedEma.Select(options => new EmaTrack(network, options)).ToArray();
        try
        {
            Assert.True(new CheckpointStore(CheckpointStore.FolderOf(run), warn: _ => { }).TryLoadLatest(new TrainingCheckpoint(network, tracks).Read, out _, out _));
            return network.parameters().Select(p => p.data<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach (var track in tracks) track.Dispose();
        }
    }

    static double[] Losses(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("train/loss", out _)).Select(e => e.GetProperty("train/loss").GetDouble()).ToArray();

    void AssertClose(float[][] expected, float[][] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = 0, moved = 0;
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(expected[i][j] - actual[i][j]));
                moved = Math.Max(moved, Math.Abs(expected[i][j]));
            }
        log.WriteLine($"largest weight difference {largest:E2} (largest weight {moved:G3})");
        Assert.True(largest <= tolerance, $"weights differ by {largest:E2} (tolerance {tolerance:E0})");
    }
}
