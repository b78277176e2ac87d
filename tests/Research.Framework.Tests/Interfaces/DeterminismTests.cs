using System.Diagnostics;
using System.Globalization;
using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

/// <summary>Draws every random stream of an interface (and a loss that uses them) and prints their exact bits.</summary>
public static class DeterminismProbe
{
    public static string Fingerprint(long seed)
    {
        using var scope = NewDisposeScope();
        var network = new LambdaNetwork((z, t, c) => z * Interface.BcastRight(t + c.Dt!, z), numClasses: 10);
        var meanFlow = new MeanFlowInterface(network, TimeDist.LogitNormal, new MeanFlowOptions { Seed = seed, DType = ScalarType.Float64, GuidanceScale = 2 });
        var x = linspace(-1, 1, 24, ScalarType.Float64).reshape(8, 3);
        var draws = new[]
        {
            meanFlow.SampleT(5), meanFlow.SampleN(5), meanFlow.Loss(x, new Conditioning(Labels: arange(8, ScalarType.Int64))).Loss,
            rand([5], ScalarType.Float64, generator: meanFlow.Random.LabelDropout),
            rand([5], ScalarType.Float64, generator: meanFlow.Random.Dropout),
        };
        return string.Join(" ", draws.SelectMany(TensorAssert.Values).Select(v => BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture)));
    }
}

public class DeterminismTests
{
    [Fact]
    public void SameSeedGivesBitIdenticalDrawsWhateverTheGlobalGeneratorDoes()
    {
        manual_seed(1);
        var first = DeterminismProbe.Fingerprint(42);
        manual_seed(2);
        _ = rand(100);
        var second = DeterminismProbe.Fingerprint(42);
        Assert.Equal(first, second);
        Assert.NotEqual(first, DeterminismProbe.Fingerprint(43));
    }

    [Fact]
    public void TwoProcessesWithOneSeedDrawTheSameBits()
    {
        var inProcess = DeterminismProbe.Fingerprint(42);
        Assert.Equal(inProcess, RunChild(42));
        Assert.Equal(inProcess, RunChild(42));
    }

    [Fact]
    public void StreamsAreIndependentOfEachOther()
    {
        using var scope = NewDisposeScope();
        using var streams = new RandomStreams(3);
        var draws = streams.All.Select(s => TensorAssert.Values(rand([4], ScalarType.Float64, generator: s.Generator))).ToArray();
        for (int i = 0; i < draws.Length; i++)
            for (int j = i + 1; j < draws.Length; j++)
                Assert.NotEqual(draws[i], draws[j]);
    }

    static string RunChild(long seed)
    {
        var assembly = typeof(DeterminismProbe).Assembly.Location;
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        using var child = Process.Start(new ProcessStartInfo(host, [assembly, "draws", seed.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = child.StandardOutput.ReadToEnd();
        var error = child.StandardError.ReadToEnd();
        Assert.True(child.WaitForExit(120_000), "the child process did not finish in 120 s");
        Assert.True(child.ExitCode == 0, $"child exited with {child.ExitCode}: {error}");
        return output.Trim();
    }
}
