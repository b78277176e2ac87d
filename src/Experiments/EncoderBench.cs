using Research.Framework.Training;
using System.Diagnostics;
using Research.Framework.Data;
using Research.Framework.Encoders;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `encoder-fashion-mnist [--runs DIR]`: trains (or loads from the cache under DIR, default "runs") REPA's offline
/// feature encoder on the Fashion-MNIST training split and prints its test-split accuracy, the evidence that its
/// features are a meaningful space to align with (goal ≥ 85%).
/// </summary>
public static class EncoderBench
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var runs = args is ["--runs", var folder] ? folder : args.Count == 0 ? "runs"
            : throw new Research.Framework.Commands.UsageException($"usage: encoder-fashion-mnist [--runs DIR]; got: {string.Join(' ', args)}");
        var options = new ConvEncoderOptions();
        var training = new ClassifierTrainingOptions();
        int steps = 0;
        var clock = Stopwatch.StartNew();
        var encoder = EncoderCache.FashionMnist(runs, options, training, log: output.WriteLine, onStep: (step, loss) =>
        {
            steps = step;
            if (step % 100 == 0) output.WriteLine($"  step {step}/{training.Steps}: cross-entropy {loss:F4}");
        });
        double seconds = clock.Elapsed.TotalSeconds;
        using var test = FashionMnist.Load(new FashionMnistOptions { Train = false, PadTo32 = true });
        double accuracy = ClassifierTraining.Accuracy(encoder.Logits, test);
        output.WriteLine($"encoder-fashion-mnist: {options} / {training}");
        output.WriteLine($"  {(steps > 0 ? $"trained {steps} steps" : "loaded from the cache")} in {seconds:F1} s ({get_num_threads()} threads); " +
            $"test accuracy {accuracy:P2} on {test.Count:N0} images (goal ≥ 85%)");
        output.WriteLine($"  file: {EncoderCache.PathFor(runs, "fashion-mnist", options, training)}");
        return 0;
    }
}
