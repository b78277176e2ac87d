using System.Diagnostics;
using System.Globalization;
using Research.Framework.Compute;
using Research.Framework.Differentiation;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-jvp [--threads N] [--rounds N]`: what MeanFlow's JVP costs. On the small DiT (batch 16, 16×16×4 inputs with
/// patch 2 → 64 tokens, width 256, 4 blocks, 4 heads, 10 classes, dt input, float32) one training step (loss, backward,
/// AdamW) of plain flow matching (SiT) is timed beside MeanFlow steps whose JVP du/dt is the double-VJP and the
/// forward-mode rule. The three run in one process, interleaved round by round on identically seeded networks, so
/// machine load drifts hit them alike; the figures are median MeanFlow step / median flow-matching step
/// (goal ≤ 1.5 for forward mode). MeanFlow's target is unguided (ω = 1, κ = 0): guidance adds two no-gradient forward
/// passes whatever the JVP.
/// </summary>
public static class JvpBench
{
    const int Batch = 16, Side = 16, Channels = 4, Classes = 10, StepsPerRound = 3, WarmupRounds = 1;

    /// <summary>Runs the benchmark and prints the figures; returns the process exit code.</summary>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var (threads, rounds) = Parse(args);
        IntraOpThreads.Apply(threads);
        var options = new DiTOptions
        {
            InputSize = Side, PatchSize = 2, InChannels = Channels, HiddenSize = 256, Depth = 4, NumHeads = 4,
            NumClasses = Classes, ClassDropoutProb = 0, TakeDt = true, Seed = 1,
        };
        output.WriteLine($"bench-jvp: small DiT (input {Side}×{Side}×{Channels}, patch 2, {options.TokenCount} tokens, width 256, 4 blocks, 4 heads, " +
            $"{Classes} classes, dt input, {options.ParameterCount():N0} parameters), batch {Batch}, float32, {get_num_threads()} threads");
        output.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");

        var meanFlow = new MeanFlowOptions { Seed = 1, GuidanceScale = 1, GuidanceMixtureRatio = 0 };
        Variant[] variants =
        [
            new("flow matching (SiT)", network => new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 1 })),
            new("MeanFlow, double_vjp", network => new MeanFlowInterface(network, TimeDist.LogitNormal, meanFlow with { Jvp = JvpStrategy.DoubleVjp })),
            new("MeanFlow, forward_mode", network => new MeanFlowInterface(network, TimeDist.LogitNormal, meanFlow with { Jvp = JvpStrategy.ForwardMode })),
        ];
        using var generator = new Generator(5);
        var x = rand([Batch, Channels, Side, Side], generator: generator) * 2 - 1;
        var labels = randint(Classes, [Batch], generator: generator);
        var steps = variants.Select(v => new TrainingStep(new DiT(options), v.Interface)).ToArray();
        try
        {
            for (int round = 0; round < WarmupRounds + rounds; round++)
                foreach (var step in steps)
                    step.Run(StepsPerRound, x, new Conditioning(Labels: labels), measured: round >= WarmupRounds);

            double flowMatching = BenchStatistics.Median(steps[0].Milliseconds);
            output.WriteLine($"  median step over {rounds} interleaved rounds of {StepsPerRound} steps each after {WarmupRounds} warm-up round:");
            for (int i = 0; i < steps.Length; i++)
            {
                double median = BenchStatistics.Median(steps[i].Milliseconds);
                var ratio = i == 0 ? "" : $"   {median / flowMatching:F2} × flow matching";
                output.WriteLine($"    {variants[i].Name,-24} {median,8:F1} ms{ratio}");
            }
            double doubleVjp = BenchStatistics.Median(steps[1].Milliseconds), forwardMode = BenchStatistics.Median(steps[2].Milliseconds);
            output.WriteLine($"  MeanFlow step / flow-matching step: double_vjp {doubleVjp / flowMatching:F2}, forward_mode {forwardMode / flowMatching:F2} (goal ≤ 1.5)");
            output.WriteLine($"  load average after: {BenchStatistics.LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var step in steps) step.Dispose();
        }
    }

    /// <summary>Reads `--threads N` (default 1) and `--rounds N` (default 8); anything else is an error.</summary>
    public static (int Threads, int Rounds) Parse(IReadOnlyList<string> args)
    {
        int threads = 1, rounds = 8;
        for (int i = 0; i < args.Count; i += 2)
        {
            int value = i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
            switch (args[i])
            {
                case "--threads" when value >= 1: threads = value; break;
                case "--rounds" when value >= 1: rounds = value; break;
                default: throw new ArgumentException($"usage: bench-jvp [--threads N] [--rounds N] with N ≥ 1; got: {string.Join(' ', args)}");
            }
        }
        return (threads, rounds);
    }

    sealed record Variant(string Name, Func<DiT, Interface> Interface);

    /// <summary>One loss's training step on its own network and AdamW: loss, backward, optimizer step, in a dispose scope.</summary>
    sealed class TrainingStep : IDisposable
    {
        readonly DiT network;
        readonly Interface model;
        readonly optim.Optimizer optimizer;

        public TrainingStep(DiT network, Func<DiT, Interface> model)
        {
            this.network = network;
            this.model = model(network);
            optimizer = optim.AdamW(network.parameters(), 1e-4);
            network.train();
        }

        public List<double> Milliseconds { get; } = [];

        public void Run(int count, Tensor x, Conditioning cond, bool measured)
        {
            for (int i = 0; i < count; i++)
            {
                var clock = Stopwatch.StartNew();
                using (var scope = NewDisposeScope())
                {
                    var loss = model.Loss(x, cond).Loss.mean();
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                }
                if (measured) Milliseconds.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        public void Dispose()
        {
            optimizer.Dispose();
            network.Dispose();
        }
    }
}
