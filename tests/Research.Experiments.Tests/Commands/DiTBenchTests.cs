using Xunit;

namespace Research.Experiments.Tests.Commands;

/// <summary>bench-dit's parts that run without PyTorch: the measurement line both sides print, the cases and the options.</summary>
public sealed class DiTBenchTests
{
    [Fact]
    public void AMeasurementIsTheMedianStepAndTheRssInMiB()
    {
        // The Python script's line (extra keys are ignored): medians of 3 and of 4 values, KiB → MiB.
        var line = """{"side": "pytorch", "wall_ms": [30.0, 10.0, 20.0], "cpu_ms": [4.0, 1.0, 2.0, 3.0], "peak_rss_kib": 2048, "last_rss_kib": 1536, "threads": 1}""";
        var measurement = DiTBench.Measurement.Parse(line);
        Assert.Equal(new DiTBench.Measurement(20, 2.5, 2, 1.5), measurement);
    }

    [Fact]
    public void TheCasesMatchThePythonScriptsModels()
    {
        // The script's MODELS table: small = (16, 4, 2, 256, 4, 4, 10), s2 = (32, 4, 2, 384, 12, 6, 1000).
        var small = DiTBenchCase.Find("small/train").Network();
        Assert.Equal((16, 4, 2, 256, 4, 4, 10), (small.InputSize, small.InChannels, small.PatchSize, small.HiddenSize, small.Depth, small.NumHeads, small.NumClasses!.Value));
        var s2 = DiTBenchCase.Find("s2/meanflow").Network();
        Assert.Equal((32, 4, 2, 384, 12, 6, 1000, true), (s2.InputSize, s2.InChannels, s2.PatchSize, s2.HiddenSize, s2.Depth, s2.NumHeads, s2.NumClasses!.Value, s2.TakeDt));
        var script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Bench", "pytorch", "bench_dit.py"));
        Assert.Contains("\"small\": (16, 4, 2, 256, 4, 4, 10)", script);
        Assert.Contains("\"s2\": (32, 4, 2, 384, 12, 6, 1000)", script);
        Assert.Contains($"BATCH = {DiTBenchCase.Batch}", script);
    }

    [Fact]
    public void OnlyAndTheNumbersAreRead()
    {
        var (options, only, worker) = DiTBench.Parse(["--only", "small/train, s2/forward", "--threads", "2", "--rounds", "5"]);
        Assert.Equal(new DiTBench.Options(2, 5, 3, 1), options);
        Assert.Equal(["small/train", "s2/forward"], only);
        Assert.Null(worker);
        Assert.Equal(["--threads", "2", "--steps", "3", "--warmup", "1"], options.Arguments());
    }
}
