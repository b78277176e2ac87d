using System.Diagnostics;
using System.Globalization;
using Research.Framework.Compute;
using Research.Framework.Differentiation;
using Research.Framework.Distillation;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-jvp [--threads N] [--rounds N]`: what the JVP losses cost. On the small DiT (batch 16, 16×16×4 inputs with
/// patch 2 → 64 tokens, width 256, 4 blocks, 4 heads, 10 classes, dt input, a log-variance head, float32) one training
/// step (loss, backward, AdamW) of plain flow matching (SiT) is timed beside MeanFlow steps whose JVP du/dt is the
/// double-VJP and the forward-mode rule, and beside sCT and sCD steps (the sCM loss with the forward-mode JVP dF⁻/dt and
/// the learned log-variance weight; sCD's teacher is a frozen SiT on a DiT of the same size, one no-gradient forward
/// pass per step). The three run in one process, interleaved round by round on identically seeded networks, so
/// machine load drifts hit them alike; each round gives a ratio MeanFlow step / flow-matching step (medians within the
/// round), and the figure is the median of those ratios over the rounds (goal ≤ 1.5 for forward mode). The same ratios
/// of process CPU time are printed beside them: with one intra-op thread they measure the work and are far less
/// disturbed by other processes than wall-clock time on a busy machine. MeanFlow's target is unguided (ω = 1, κ = 0): guidance adds two no-gradient forward
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
            NumClasses = Classes, ClassDropoutProb = 0, TakeDt = true, LogVarianceHead = true, Seed = 1,
        };
        output.WriteLine($"bench-jvp: small DiT (input {Side}×{Side}×{Channels}, patch 2, {options.TokenCount} tokens, width 256, 4 blocks, 4 heads, " +
            $"{Classes} classes, dt input, log-variance head, {options.ParameterCount():N0} parameters), batch {Batch}, float32, {get_num_threads()} threads");
        output.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");

        var meanFlow = new MeanFlowOptions { Seed = 1, GuidanceScale = 1, GuidanceMixtureRatio = 0 };
        Variant[] variants =
        [
            new("flow matching (SiT)", network => new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 1 })),
            new("MeanFlow, double_vjp", network => new MeanFlowInterface(network, TimeDist.LogitNormal, meanFlow with { Jvp = JvpStrategy.DoubleVjp })),
            new("MeanFlow, forward_mode", network => new MeanFlowInterface(network, TimeDist.LogitNormal, meanFlow with { Jvp = JvpStrategy.ForwardMode })),
            new("sCT, forward_mode", network => new SctInterface(network, TimeDist.LogNormal, new SctOptions { Seed = 1 })),
            new("sCD, forward_mode", network => new ScdInterface(network, TimeDist.LogNormal, new ScdOptions { Seed = 1, StartFromTeacher = false }, FrozenSiTTeacher(options))),
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

            output.WriteLine($"  {rounds} interleaved rounds of {StepsPerRound} steps each after {WarmupRounds} warm-up round; median step, and the median over rounds of the round's ratio to flow matching, by");
            double[] wall = Report(output, "wall-clock", steps, variants, s => s.WallMedians);
            double[] cpu = Report(output, "process CPU time", steps, variants, s => s.CpuMedians);
            output.WriteLine($"  MeanFlow step / flow-matching step: double_vjp {wall[1]:F2}, forward_mode {wall[2]:F2} (wall-clock; CPU time {cpu[1]:F2} and {cpu[2]:F2}; goal ≤ 1.5)");
            output.WriteLine($"  sCT step / flow-matching step {wall[3]:F2}, sCD step / flow-matching step {wall[4]:F2} (wall-clock; CPU time {cpu[3]:F2} and {cpu[4]:F2})");
            output.WriteLine($"  load average after: {BenchStatistics.LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var step in steps) step.Dispose();
        }
    }

    /// <summary>sCD's teacher: an (untrained; the cost is the same) SiT on its own DiT of the bench's size, frozen, in eval mode.</summary>
    static Teacher FrozenSiTTeacher(DiTOptions options)
    {
        var network = new DiT(options with { Seed = 2 });
        foreach (var parameter in network.parameters()) parameter.requires_grad_(false);
        network.eval();
        return Teacher.Of(new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = 2 }));
    }

    /// <summary>Prints each variant's median step and its median per-round ratio to flow matching; returns the ratios.</summary>
    static double[] Report(TextWriter output, string clock, TrainingStep[] steps, Variant[] variants, Func<TrainingStep, List<double>> medians)
    {
        output.WriteLine($"  {clock}:");
        var ratios = new double[steps.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            var perRound = medians(steps[i]).Zip(medians(steps[0]), (step, flowMatching) => step / flowMatching).ToArray();
            ratios[i] = BenchStatistics.Median(perRound);
            var ratio = i == 0 ? "" : $"   {ratios[i]:F2} × flow matching   [rounds {string.Join(" ", perRound.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}]";
            output.WriteLine($"    {variants[i].Name,-24} {BenchStatistics.Median(medians(steps[i])),8:F1} ms{ratio}");
        }
        return ratios;
    }

    /// <summary>Reads `--threads N` (default 1) and `--rounds N` (default 8).</summary>
    public static (int Threads, int Rounds) Parse(IReadOnlyList<string> args)
    {
        var values = BenchArguments.Read("bench-jvp [--threads N] [--rounds N]", args, new("threads", 1, 1), new("rounds", 8, 1));
        return ((int)values["threads"], (int)values["rounds"]);
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

        /// <summary>The median wall-clock step of each measured round.</summary>
        public List<double> WallMedians { get; } = [];

        /// <summary>The median process-CPU-time step of each measured round.</summary>
        public List<double> CpuMedians { get; } = [];

        public void Run(int count, Tensor x, Conditioning cond, bool measured)
        {
            var (wall, cpu) = (new List<double>(count), new List<double>(count));
            for (int i = 0; i < count; i++)
            {
                var cpuStart = Environment.CpuUsage.TotalTime;
                var clock = Stopwatch.StartNew();
                using (var scope = NewDisposeScope())
                {
                    var loss = model.Loss(x, cond).Loss.mean();
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                }
                wall.Add(clock.Elapsed.TotalMilliseconds);
                cpu.Add((Environment.CpuUsage.TotalTime - cpuStart).TotalMilliseconds);
            }
            if (!measured) return;
            WallMedians.Add(BenchStatistics.Median(wall));
            CpuMedians.Add(BenchStatistics.Median(cpu));
        }

        public void Dispose()
        {
            optimizer.Dispose();
            network.Dispose();
        }
    }
}
