using System.Diagnostics;
using System.Globalization;
using Research.Framework.Compute;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-precision [--threads N]`: is a bf16 forward and backward pass worth it on this machine? Two copies of one
/// seeded tiny DiT (the bench-training one: 8×8×1 images, patch 2, width 256, 4 blocks, batch 16), one float32 and
/// one cast to bfloat16, do the same forward + MSE + backward on the same batch, interleaved in blocks so load drifts
/// hit both alike; it prints the median pass of each, their ratio, how far the bf16 gradients are from the float32
/// ones, the CPU's bf16 instructions and the load average. Then the same for a whole optimizer step as the trainer
/// runs it under <c>--Precision</c>: the pass, the gradients added into the float32 masters, AdamW on the masters and
/// the masters rounded back into the bf16 weights (<see cref="MasterWeights"/>; with float32 weights the masters are
/// the weights and the copies are no-ops).
/// </summary>
public static class PrecisionBench
{
    const int Batch = 16, Side = 8, BlockSteps = 10, WarmupBlocks = 1, MeasuredBlocks = 7;

    /// <summary>Runs the comparison and prints the figures; returns the process exit code.</summary>
    public static int Run(TextWriter output, int threads)
    {
        IntraOpThreads.Apply(threads);
        var options = new DiTOptions { InputSize = Side, PatchSize = 2, InChannels = 1, HiddenSize = 256, Depth = 4, NumHeads = 4, NumClasses = null, Seed = 1 };
        output.WriteLine($"bench-precision: tiny DiT ({options.ParameterCount():N0} parameters, {options.TokenCount} tokens), batch {Batch}, forward + MSE + backward, {get_num_threads()} thread(s)");
        output.WriteLine($"  CPU bf16 instructions (avx512_bf16 / amx_bf16): {CpuFlags("avx512_bf16", "amx_bf16")}");
        output.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = randn([Batch, 1, Side, Side], generator: generator);
        var t = rand([Batch], generator: generator);
        var target = randn([Batch, 1, Side, Side], generator: generator);
        using var full = new DiT(options);
        using var half = new DiT(options);
        half.to(ScalarType.BFloat16);

        double gradientError = GradientError(full, half, x, t, target);   // before any optimizer step moves the weights
        using var fullMasters = new MasterWeights(full, ScalarType.Float32);
        using var halfMasters = new MasterWeights(half, ScalarType.Float32);
        using var fullOptimizer = optim.AdamW(fullMasters.Trainable, 1e-4);
        using var halfOptimizer = optim.AdamW(halfMasters.Trainable, 1e-4);

        var fullSteps = new List<double>();
        var halfSteps = new List<double>();
        var fullOptimizerSteps = new List<double>();
        var halfOptimizerSteps = new List<double>();
        for (int block = 0; block < WarmupBlocks + MeasuredBlocks; block++)
        {
            var f = Time(() => Step(full, x, t, target));
            var h = Time(() => Step(half, x, t, target));
            var fo = Time(() => OptimizerStep(full, fullMasters, fullOptimizer, x, t, target));
            var ho = Time(() => OptimizerStep(half, halfMasters, halfOptimizer, x, t, target));
            if (block < WarmupBlocks) continue;
            fullSteps.Add(f);
            halfSteps.Add(h);
            fullOptimizerSteps.Add(fo);
            halfOptimizerSteps.Add(ho);
        }
        Report(output, "forward+backward", fullSteps, halfSteps);
        Report(output, "optimizer step (pass + masters + AdamW)", fullOptimizerSteps, halfOptimizerSteps);
        output.WriteLine($"  bf16 gradients against float32 (same weights, same batch): relative L2 error {gradientError:E2}");
        output.WriteLine($"  load average after: {BenchStatistics.LoadAverage()}");
        return 0;
    }

    /// <summary>Reads `--threads N` (default 1).</summary>
    public static int ParseThreads(IReadOnlyList<string> args) =>
        (int)BenchArguments.Read("bench-precision [--threads N]", args, new BenchArguments.Option("threads", 1, 1))["threads"];

    /// <summary>One step: the network's own dtype for its inputs (the cast an autocast does at the entry), the loss in float32.</summary>
    static void Step(DiT network, Tensor x, Tensor t, Tensor target)
    {
        using var scope = NewDisposeScope();
        var dtype = network.parameters().First().dtype;
        network.zero_grad();
        var prediction = network.Forward(x.to(dtype), t.to(dtype), Conditioning.None).Output.to(ScalarType.Float32);
        (prediction - target).square().mean().backward();
    }

    /// <summary>A whole training step as the trainer runs it: the pass, the gradients into the masters, AdamW, the masters back into the weights.</summary>
    static void OptimizerStep(DiT network, MasterWeights masters, OptimizerHelper optimizer, Tensor x, Tensor t, Tensor target)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        Step(network, x, t, target);
        masters.AccumulateGradients();
        optimizer.step();
        masters.CopyToWeights();
    }

    static void Report(TextWriter output, string what, List<double> full, List<double> half)
    {
        double fullStep = BenchStatistics.Median(full), halfStep = BenchStatistics.Median(half);
        output.WriteLine($"  {what}, median of {MeasuredBlocks} block medians:");
        output.WriteLine($"    float32 {fullStep:F2} ms   [{Format(full)}]");
        output.WriteLine($"    bf16    {halfStep:F2} ms   [{Format(half)}]");
        output.WriteLine($"    bf16 / float32 = {halfStep / fullStep:F3} (below 1: bf16 is faster)");
    }

    /// <summary>The median milliseconds of a block of steps.</summary>
    static double Time(Action step)
    {
        var times = new double[BlockSteps];
        for (int i = 0; i < BlockSteps; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        return BenchStatistics.Median(times);
    }

    /// <summary>‖g_bf16 − g_fp32‖ / ‖g_fp32‖ over every parameter, both networks holding the float32 network's weights.</summary>
    static double GradientError(DiT full, DiT half, Tensor x, Tensor t, Tensor target)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (var (a, b) in full.parameters().Zip(half.parameters())) b.copy_(a);
        Step(full, x, t, target);
        Step(half, x, t, target);
        double difference = 0, norm = 0;
        foreach (var (a, b) in full.parameters().Zip(half.parameters()))
        {
            if (a.grad is not { } g32 || b.grad is not { } g16) continue;
            difference += (g16.to(ScalarType.Float32) - g32).square().sum().ToDouble();
            norm += g32.square().sum().ToDouble();
        }
        return Math.Sqrt(difference / norm);
    }

    static string CpuFlags(params string[] flags)
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown";
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        var present = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return string.Join(", ", flags.Select(f => $"{f} {(present.Contains(f) ? "yes" : "no")}"));
    }

    static string Format(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString("F1", CultureInfo.InvariantCulture)));
}
