using Research.Framework.Commands;

namespace Research.Experiments;

/// <summary>
/// The program's commands besides the experiment commands: the generated entry point (Program.Main, with the
/// experiment catalog) calls this partial hook, so benchmarks and tools stay reachable without a hand-written Main.
/// </summary>
public static partial class Program
{
    static partial void AddCommands(List<HostCommand> commands)
    {
        commands.Add(new("bench-samplers", "bench-samplers", "the samplers' own overhead", (_, output) => SamplerBench.Run(output)));
        commands.Add(new("bench-training", "bench-training [--steps N]", "the trainer's overhead against a hand-written loop, and RSS over N steps",
            (args, output) => TrainingBench.Run(output, TrainingBench.ParseSteps(args))));
        commands.Add(new("bench-precision", "bench-precision [--threads N]", "a bf16 against a float32 forward and backward pass of a tiny DiT, side by side",
            (args, output) => PrecisionBench.Run(output, PrecisionBench.ParseThreads(args))));
        commands.Add(new("bench-jvp", "bench-jvp [--threads N] [--rounds N]", "MeanFlow step / flow-matching step with the double-VJP and the forward-mode JVP",
            (args, output) => JvpBench.Run(output, args)));
        commands.Add(new("bench-latent-cache", "bench-latent-cache [--samples N] [--batch B] [--batches K] [--threads N]", "latents per second the memory-mapped latent cache serves",
            (args, output) => LatentCacheBench.Run(output, args)));
        commands.Add(new("bench-data-parallel", "bench-data-parallel [--steps N] [--threads N]", "a data-parallel step in this world (alone or under mpirun -np 2): step time, bytes all-reduced, the all-reduce's share",
            (args, output) => DataParallelBench.Run(output, args)));
        commands.Add(new("bench-dit", "bench-dit [--threads N] [--rounds N] [--steps N] [--warmup N] [--only CASE,...]",
            "this framework against PyTorch eager on the same DiT: step times and peak RSS, process by process, interleaved",
            (args, output) => DiTBench.Run(output, args)));
        commands.Add(new("encoder-fashion-mnist", "encoder-fashion-mnist [--runs DIR]", "train or load REPA's offline encoder and print its test accuracy",
            (args, output) => EncoderBench.Run(output, args)));
        commands.Add(new("feature-net-fashion-mnist", "feature-net-fashion-mnist", "train or load the evaluation feature net; print its test accuracy and FD margins",
            (_, output) => FeatureNetBench.Run(output)));
    }
}
