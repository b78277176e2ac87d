using Xunit;

namespace Research.Experiments.Tests;

/// <summary>The bench-latent-cache command at a tiny size: it writes, reads and prints its three rates; a bad option is a usage error.</summary>
public sealed class LatentCacheBenchTests
{
    [Fact]
    public void PrintsTheRateOfEachReadPath()
    {
        var (code, output, error) = ProgramTests.Run("bench-latent-cache", "--samples", "64", "--batch", "8", "--batches", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("64 records", output);
        Assert.Equal(3, output.Split('\n').Count(line => line.Contains("latents/s")));

        var (refused, _, message) = ProgramTests.Run("bench-latent-cache", "--samples", "0");
        Assert.Equal(2, refused);
        Assert.Contains("--samples ≥ 1", message);
    }
}
