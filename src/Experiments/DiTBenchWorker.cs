using System.Diagnostics;
using System.Text.Json;
using Research.Framework.Compute;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// Our side of one `bench-dit` case, in a process of its own (`bench-dit --worker CASE`): the steps the trainer runs, each
/// in a dispose scope, then one JSON line with the step times and this process's peak and last RSS, in the Python
/// script's format.
/// </summary>
static class DiTBenchWorker
{
    public static int Run(TextWriter output, DiTBenchCase benchCase, DiTBench.Options options)
    {
        IntraOpThreads.Apply(options.Threads);
        var network = new DiT(benchCase.Network());
        using var generator = new Generator(5);
        var x = rand([DiTBenchCase.Batch, 4, network.Options.InputSize, network.Options.InputSize], generator: generator) * 2 - 1;
        var cond = new Conditioning(Labels: randint(network.Options.NumClasses!.Value, [DiTBenchCase.Batch], generator: generator));
        Action step = benchCase.Kind == "forward" ? Forward(network, x, cond, generator) : Training(network, benchCase, x, cond);

        var (wall, cpu) = (new List<double>(), new List<double>());
        for (int i = 0; i < options.Warmup + options.Steps; i++)
        {
            var cpuStart = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            step();
            if (i < options.Warmup) continue;
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds);
        }
        var (rss, peak) = BenchStatistics.MemoryStatus();
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["side"] = "ours", ["model"] = benchCase.Model, ["case"] = benchCase.Name, ["wall_ms"] = wall, ["cpu_ms"] = cpu,
            ["peak_rss_kib"] = peak, ["last_rss_kib"] = rss, ["threads"] = get_num_threads(), ["precision"] = benchCase.Precision,
            ["parameters"] = network.Options.ParameterCount(),
        }));
        return 0;
    }

    /// <summary>A no-grad forward in eval mode at a random t.</summary>
    static Action Forward(DiT network, Tensor x, Conditioning cond, Generator generator)
    {
        network.eval();
        return () =>
        {
            using var scope = NewDisposeScope();
            using var noGradient = no_grad();
            network.Forward(x, rand([x.shape[0]], generator: generator), cond);
        };
    }

    /// <summary>A training step as the trainer runs it: loss, backward, the gradients into the masters, AdamW, the masters back.</summary>
    static Action Training(DiT network, DiTBenchCase benchCase, Tensor x, Conditioning cond)
    {
        Interface model = benchCase.Kind == "meanflow"
            ? new MeanFlowInterface(network, TimeDist.LogitNormal, new MeanFlowOptions { Seed = 1, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0 })
            : new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 1 });
        ModelPlacement.Place(model, benchCase.Precision == "bf16" ? ScalarType.BFloat16 : null);
        var masters = new MasterWeights(network, ScalarType.Float32);
        var optimizer = optim.AdamW(masters.Trainable, 1e-4);
        network.train();
        return () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            model.Loss(x, cond).Loss.mean().backward();
            masters.AccumulateGradients();
            optimizer.step();
            masters.CopyToWeights();
        };
    }
}
