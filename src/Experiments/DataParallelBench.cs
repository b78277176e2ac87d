using System.Diagnostics;
using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tracking;
using Research.Framework.Training;
using TorchSharp;
using TensorDataset = Research.Framework.Data.TensorDataset;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-data-parallel [--steps N] [--threads N]`: a data-parallel training step in the world this process was started
/// in (alone: one process; under <c>mpirun -np 2</c>: two ranks, each half of every batch), on the tiny DiT of
/// bench-training (8×8×1 images, patch 2, width 256, 4 blocks) at a global batch of 32, float32. Prints, from rank 0, the
/// median step time over the second half of N steps (default 40), the bytes all-reduced per step and how long that
/// all-reduce takes alone (the gradients' buckets, timed over 20 rounds), and its share of a step.
/// </summary>
public static class DataParallelBench
{
    const int GlobalBatch = 32, Side = 8, Rounds = 20;

    /// <summary>Runs the bench; returns the process exit code.</summary>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var parsed = BenchArguments.Read("bench-data-parallel [--steps N] [--threads N]", args,
            new BenchArguments.Option("steps", 40, 4), new BenchArguments.Option("threads", 1, 1));
        torch.set_num_threads((int)parsed["threads"]);
        using var world = Communicators.FromEnvironment();
        var print = world.Rank == 0 ? output : TextWriter.Null;
        var options = new DiTOptions { InputSize = Side, PatchSize = 2, InChannels = 1, HiddenSize = 256, Depth = 4, NumHeads = 4, NumClasses = null, Seed = 1 };
        print.WriteLine($"bench-data-parallel: {world.WorldSize} process(es) ({world.Description}), tiny DiT ({options.ParameterCount():N0} parameters), " +
            $"global batch {GlobalBatch} ({GlobalBatch / world.WorldSize} per rank), float32, {get_num_threads()} thread(s) per rank");
        print.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");
        double step = StepSeconds(options, world, parsed["steps"]);
        var model = new DiT(options);
        var parameters = model.parameters().ToArray();
        using var buckets = new FlatBuckets(parameters);
        double reduce = AllReduceSeconds(buckets, parameters, world);
        print.WriteLine($"  step: {step * 1e3:F1} ms (median of the last {parsed["steps"] / 2} steps)");
        print.WriteLine($"  all-reduce per step: {buckets.Bytes / 1048576.0:F2} MiB in {buckets.Count} bucket(s), {reduce * 1e3:F2} ms alone " +
            $"({(world.WorldSize > 1 ? $"{100 * reduce / step:F1}% of a step" : "no communication in one process")})");
        print.WriteLine($"  load average after: {BenchStatistics.LoadAverage()}");
        return 0;
    }

    /// <summary>The median duration of the second half's steps of a trainer run in <paramref name="world"/>.</summary>
    static double StepSeconds(DiTOptions options, ICommunicator world, long steps)
    {
        var directory = Directory.CreateTempSubdirectory("bench-data-parallel-").FullName;
        try
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(5);
            var data = new TensorDataset(rand([256, 1, Side, Side], generator: generator) * 2 - 1);
            using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = GlobalBatch, Seed = 2 });
            var timed = new TimedSource(loader);
            var model = new SiTInterface(new DiT(options), TimeDist.Uniform, new SiTOptions { Seed = 1 });
            var trainerOptions = new TrainerOptions
            {
                Steps = steps, LogEvery = long.MaxValue, CheckpointEvery = long.MaxValue, Resume = false, Ema = [new EmaOptions(0.9999)],
                Optimizer = new OptimizerOptions { LearningRate = 1e-4 },
            };
            using (var tracker = new CompositeTracker([]))
            using (var trainer = new Trainer(model, timed, trainerOptions, directory, tracker,
                progress: new TrainingProgress(TextWriter.Null, interactive: false, steps), world: world))
                trainer.Run();
            return BenchStatistics.Median(timed.Intervals.Skip(timed.Intervals.Count / 2));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Seconds per all-reduce of the gradients' buckets (the trainer's call, without the step around it).</summary>
    static double AllReduceSeconds(FlatBuckets buckets, IReadOnlyList<Tensor> parameters, ICommunicator world)
    {
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => randn_like(p)).ToArray();
        void Once() => buckets.Apply(gradients, buffer => { world.AllReduce(buffer); buffer.div_(world.WorldSize); });
        Once();
        world.Barrier();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++) Once();
        return clock.Elapsed.TotalSeconds / Rounds;
    }

    /// <summary>A batch source that notes the time between batch requests: one training step each (data included).</summary>
    sealed class TimedSource(IBatchSource inner) : IBatchSource
    {
        readonly Stopwatch clock = new();

        public List<double> Intervals { get; } = [];

        public Batch Next()
        {
            if (clock.IsRunning) Intervals.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            return inner.Next();
        }

        public string SaveState() => inner.SaveState();

        public void RestoreState(string state) => inner.RestoreState(state);
    }
}
