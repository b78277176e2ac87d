using System.Diagnostics;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-samplers`: the sampler's own overhead. A DiT-sized LambdaNetwork (batch 8, 256 tokens, width 384, four
/// matmul + GELU layers, float32) is evaluated alone and inside Heun-32, side by side in one process after a warm-up;
/// the figure is median sampler time / (model evaluations × median evaluation time). 1.00 means the sampler costs
/// nothing beyond its model calls; the goal is ≤ 1.05.
/// </summary>
public static class SamplerBench
{
    const int Batch = 8, Tokens = 256, Width = 384, Layers = 4, Steps = 32, Repetitions = 5, EvaluationsPerRepetition = 16;

    /// <summary>Runs the benchmark and prints the figures; returns the process exit code.</summary>
    public static int Run(TextWriter output)
    {
        manual_seed(0);
        var weights = Enumerable.Range(0, Layers).Select(_ => randn(Width, Width) / Math.Sqrt(Width)).ToArray();
        int calls = 0;
        var network = new LambdaNetwork((x, t, c) =>
        {
            calls++;
            var h = x;
            foreach (var w in weights) h = nn.functional.gelu(h.matmul(w));
            return h + Interface.BcastRight(t, h);
        });
        var model = new SiTInterface(network, TimeDist.Uniform);
        var sampler = new Heun(Steps);
        var noise = randn(Batch, Tokens, Width);
        var time = full([Batch], 0.5f);

        double Evaluation()
        {
            var watch = Stopwatch.StartNew();
            using (no_grad())
                for (int i = 0; i < EvaluationsPerRepetition; i++)
                {
                    using var scope = NewDisposeScope();
                    model.Pred(noise, time);
                }
            return watch.Elapsed.TotalMilliseconds / EvaluationsPerRepetition;
        }
        (double Milliseconds, int Calls) Sampling()
        {
            calls = 0;
            var watch = Stopwatch.StartNew();
            using (var scope = NewDisposeScope()) sampler.Sample(model, noise);
            return (watch.Elapsed.TotalMilliseconds, calls);
        }

        Evaluation();
        Sampling();
        var evaluations = new List<double>();
        var samplings = new List<double>();
        int modelCalls = 0;
        for (int r = 0; r < Repetitions; r++)
        {
            evaluations.Add(Evaluation());
            (double ms, modelCalls) = Sampling();
            samplings.Add(ms);
        }
        double evaluation = BenchStatistics.Median(evaluations), sampling = BenchStatistics.Median(samplings);
        double ratio = sampling / (modelCalls * evaluation);
        output.WriteLine($"bench-samplers: Heun-{Steps} on a DiT-sized LambdaNetwork (batch {Batch}, {Tokens} tokens, width {Width}, {Layers} matmul+GELU layers, float32, {get_num_threads()} threads)");
        output.WriteLine($"  one evaluation (median of {Repetitions}×{EvaluationsPerRepetition}): {evaluation:F2} ms");
        output.WriteLine($"  Heun-{Steps} sample (median of {Repetitions}): {sampling:F1} ms, {modelCalls} model evaluations");
        output.WriteLine($"  overhead ratio = sample / (evaluations × evaluation) = {ratio:F3} (goal ≤ 1.05)");
        return 0;
    }
}
