using System.Diagnostics;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `feature-net-fashion-mnist`: trains (or loads from runs/.cache) the offline Fashion-MNIST feature net with its
/// default settings and prints what makes its Fréchet distance trustworthy: the test accuracy, and the FD between two
/// halves of the test split next to the FD between real images and uniform noise.
/// </summary>
public static class FeatureNetBench
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static int Run(TextWriter output)
    {
        var options = new FashionMnistFeatureOptions();
        var clock = Stopwatch.StartNew();
        using var net = FashionMnistFeatureNet.LoadOrTrain(options);
        double seconds = clock.Elapsed.TotalSeconds;
        using var scope = NewDisposeScope();
        using var test = FashionMnist.Load(new FashionMnistOptions { Train = false, PadTo32 = true });
        var images = test.Gather(arange(test.Count, dtype: ScalarType.Int64)).X;
        long half = test.Count / 2;
        var first = FeatureExtraction.Statistics(net, images.narrow(0, 0, half));
        var second = FeatureExtraction.Statistics(net, images.narrow(0, half, half));
        using var generator = new Generator(1, CPU);
        var noise = FeatureExtraction.Statistics(net, rand([half, 1, 32, 32], generator: generator) * 2 - 1);
        output.WriteLine($"feature-net-fashion-mnist: {options.Steps} steps, batch {options.BatchSize}, weights {net.WeightsHash[..12]}…");
        output.WriteLine($"  {(net.FromCache ? "loaded from the cache" : "trained")} in {seconds:F1} s; test accuracy {net.TestAccuracy:P2}");
        output.WriteLine($"  FD test half vs test half: {FrechetDistance.Compute(first, second):F3}; FD test half vs uniform noise: {FrechetDistance.Compute(first, noise):F1} ({half:N0} images each)");
        return 0;
    }
}
