using System.Diagnostics;
using System.Globalization;
using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using AdamW = TorchSharp.Modules.AdamW;
using TensorDataset = Research.Framework.Data.TensorDataset;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-training [--steps N]`: the trainer's own overhead and its memory over a long run, on a tiny DiT
/// (8×8×1 images, patch 2 → 16 tokens, width 256, 4 blocks, 4 heads, batch 16, unconditional, float32).
/// <para>
/// (a) Overhead: the real <see cref="Trainer"/> (SiT, uniform t, one EMA track, LogEvery and CheckpointEvery larger
/// than the run, no hooks) against a hand-written TorchSharp loop doing the same work (t ~ U, n ~ N, x_t, MSE to
/// n − x, backward, AdamW, EMA by hand) on an identically seeded DiT and an identical loader. Both run in one
/// process, interleaved: the trainer's batch source runs a block of hand-written steps every K trainer steps, so
/// machine load drifts hit both alike. A step's time is the span between two batch requests (data included for
/// both); the blocks run inside the trainer's request are subtracted. Warm-up blocks are dropped; the figure is
/// median trainer step / median hand-written step (goal ≤ 1.03).
/// </para>
/// <para>(b) Memory: VmRSS and VmHWM from /proc/self/status every 100 steps of one trainer run of N steps (default 2,000).</para>
/// </summary>
public static class TrainingBench
{
    const int Batch = 16, Side = 8, BlockSteps = 10, WarmupBlocks = 1, MeasuredBlocks = 7, RssEvery = 100;
    const double EmaDecay = 0.9999, LearningRate = 1e-4;

    /// <summary>Runs both parts and prints the figures; returns the process exit code.</summary>
    public static int Run(TextWriter output, long rssSteps = 2000)
    {
        var options = new DiTOptions { InputSize = Side, PatchSize = 2, InChannels = 1, HiddenSize = 256, Depth = 4, NumHeads = 4, NumClasses = null, Seed = 1 };
        var dataset = Images();
        output.WriteLine($"bench-training: tiny DiT (input {Side}×{Side}×1, patch 2, {options.TokenCount} tokens, width 256, 4 blocks, 4 heads, " +
            $"{options.ParameterCount():N0} parameters), batch {Batch}, float32, {get_num_threads()} threads");
        output.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");
        Overhead(output, options, dataset);
        output.WriteLine($"  load average after overhead part: {BenchStatistics.LoadAverage()}");
        Memory(output, options, dataset, rssSteps);
        output.WriteLine($"  load average after memory part: {BenchStatistics.LoadAverage()}");
        return 0;
    }

    /// <summary>Reads `--steps N` (the memory run's length, default 2,000).</summary>
    public static long ParseSteps(IReadOnlyList<string> args) =>
        BenchArguments.Read("bench-training [--steps N]", args, new BenchArguments.Option("steps", 2000, RssEvery))["steps"];

    static void Overhead(TextWriter output, DiTOptions options, TensorDataset data)
    {
        using var manual = new ManualLoop(new DiT(options), Loader(data));
        int blocks = WarmupBlocks + MeasuredBlocks;
        using var source = new ProbedSource(Loader(data)) { BlockEvery = BlockSteps, OnBlock = () => manual.Steps(BlockSteps) };
        RunTrainer(options, source, blocks * BlockSteps + 1);

        // Per-block medians, then the median over measured blocks, for each loop.
        var trainer = source.StepMilliseconds.Chunk(BlockSteps).Skip(WarmupBlocks).Select(BenchStatistics.Median).ToArray();
        var hand = manual.StepMilliseconds.Chunk(BlockSteps).Skip(WarmupBlocks).Select(BenchStatistics.Median).ToArray();
        double trainerStep = BenchStatistics.Median(trainer), handStep = BenchStatistics.Median(hand);
        output.WriteLine($"  (a) overhead, {MeasuredBlocks} interleaved blocks of {BlockSteps} steps each after {WarmupBlocks} warm-up blocks:");
        output.WriteLine($"      hand-written loop step (median): {handStep:F2} ms   [block medians {Format(hand)}]");
        output.WriteLine($"      Trainer step (median):           {trainerStep:F2} ms   [block medians {Format(trainer)}]");
        output.WriteLine($"      overhead ratio = Trainer / hand-written = {trainerStep / handStep:F3} (goal ≤ 1.03)");
    }

    static void Memory(TextWriter output, DiTOptions options, TensorDataset data, long steps)
    {
        using var source = new ProbedSource(Loader(data)) { BlockEvery = RssEvery };
        var samples = new List<(long Step, long Rss, long Peak)>();
        source.OnBlock = () => { var (rss, peak) = BenchStatistics.MemoryStatus(); samples.Add((source.Requests - 1, rss, peak)); };
        var clock = Stopwatch.StartNew();
        RunTrainer(options, source, steps + 1); // the extra step's request samples step `steps`
        output.WriteLine($"  (b) memory over {steps} Trainer steps ({clock.Elapsed.TotalSeconds:F0} s), sampled every {RssEvery} steps:");
        foreach (var (step, rss, peak) in samples)
            output.WriteLine($"      step {step,5}: VmRSS {rss / 1024.0:F1} MiB   VmHWM {peak / 1024.0:F1} MiB");
        var reference = samples.FirstOrDefault(s => s.Step == 200);
        if (reference.Rss > 0 && samples.Count > 0)
            output.WriteLine($"      last VmRSS / VmRSS at step 200 = {(double)samples[^1].Rss / reference.Rss:F3} (flat: within a few %)");
    }

    static void RunTrainer(DiTOptions options, IBatchSource source, long steps)
    {
        var directory = Directory.CreateTempSubdirectory("bench-training-").FullName;
        try
        {
            var model = new SiTInterface(new DiT(options), TimeDist.Uniform, new SiTOptions { Seed = 1 });
            var trainerOptions = new TrainerOptions
            {
                Steps = steps, LogEvery = long.MaxValue, CheckpointEvery = long.MaxValue, Resume = false,
                Optimizer = new OptimizerOptions { LearningRate = LearningRate }, Ema = [new EmaOptions(EmaDecay, Warmup: false)],
            };
            using var trainer = new Trainer(model, source, trainerOptions, directory, new NullTracker(),
                progress: new TrainingProgress(TextWriter.Null, interactive: false, steps));
            trainer.Run();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The same seeded random images for both loops: (256, 1, Side, Side) in [−1, 1].</summary>
    static TensorDataset Images()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        return new TensorDataset(rand([256, 1, Side, Side], generator: generator) * 2 - 1);
    }

    static BatchLoader Loader(TensorDataset data) => new(data, new BatchLoaderOptions { BatchSize = Batch, Seed = 2 });

    /// <summary>
    /// The minimal loop, written directly against TorchSharp: what any training step must do, nothing more.
    /// The EMA is initialised as a copy of the weights, as <see cref="EmaTrack"/> does.
    /// </summary>
    sealed class ManualLoop : IDisposable
    {
        readonly DiT network;
        readonly BatchLoader loader;
        readonly AdamW optimizer;
        readonly Tensor[] parameters, shadow;
        readonly Generator time = new(11), noise = new(12);

        public ManualLoop(DiT network, BatchLoader loader)
        {
            (this.network, this.loader) = (network, loader);
            parameters = network.parameters().Select(p => (Tensor)p).ToArray();
            optimizer = optim.AdamW(network.parameters(), LearningRate);
            using (no_grad()) shadow = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
            network.train();
        }

        public List<double> StepMilliseconds { get; } = [];

        public void Steps(int count)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                double start = clock.Elapsed.TotalMilliseconds;
                Step();
                StepMilliseconds.Add(clock.Elapsed.TotalMilliseconds - start);
            }
        }

        void Step()
        {
            using var scope = NewDisposeScope();
            var x = loader.Next().X;
            var t = rand([Batch], generator: time);
            var n = randn(x.shape, generator: noise);
            var tb = t.view(Batch, 1, 1, 1);
            var xt = (1 - tb) * x + tb * n;
            var prediction = network.Forward(xt, t, Conditioning.None).Output;
            var loss = (prediction - (n - x)).square().mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using var noGradient = no_grad();
            for (int i = 0; i < shadow.Length; i++) shadow[i].mul_(EmaDecay).add_(parameters[i], alpha: 1 - EmaDecay);
        }

        public void Dispose()
        {
            foreach (var tensor in shadow) tensor.Dispose();
            optimizer.Dispose();
            loader.Dispose();
            time.Dispose();
            noise.Dispose();
        }
    }

    /// <summary>
    /// A batch source that times the spans between batch requests (one trainer step each) and, every
    /// <see cref="BlockEvery"/> requests, runs <see cref="OnBlock"/> (the interleaved hand-written block or a memory
    /// sample), whose time is left out of the trainer's step.
    /// </summary>
    sealed class ProbedSource(BatchLoader inner) : IBatchSource, IDisposable
    {
        readonly Stopwatch clock = Stopwatch.StartNew();
        double last = double.NaN;

        public int BlockEvery { get; init; }
        public Action? OnBlock { get; set; }
        public long Requests { get; private set; }
        public List<double> StepMilliseconds { get; } = [];

        public Batch Next()
        {
            double now = clock.Elapsed.TotalMilliseconds;
            if (!double.IsNaN(last)) StepMilliseconds.Add(now - last);
            Requests++;
            if (Requests > 1 && (Requests - 1) % BlockEvery == 0) OnBlock?.Invoke();
            last = clock.Elapsed.TotalMilliseconds;
            return inner.Next();
        }

        public string SaveState() => inner.SaveState();
        public void RestoreState(string state) => inner.RestoreState(state);
        public void Dispose() => inner.Dispose();
    }

    sealed class NullTracker : ITracker
    {
        public void Log(IReadOnlyDictionary<string, double> metrics, long step) { }
        public void LogImage(string key, byte[] png, long step) { }
        public void SetSummary(string key, double value) { }
        public void Finish(int exitCode) { }
    }

    static string Format(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));

}
