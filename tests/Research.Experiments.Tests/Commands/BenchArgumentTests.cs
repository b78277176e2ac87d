using Xunit;

namespace Research.Experiments.Tests.Commands;

/// <summary>A mistake in a bench command's options is one usage line and exit 2, before any work (it was a stack trace, exit 134).</summary>
public sealed class BenchArgumentTests
{
    [Theory]
    [InlineData("bench-jvp", "--rounds", "x")]
    [InlineData("bench-jvp", "--threads", "0")]
    [InlineData("bench-precision", "--threads", "0")]
    [InlineData("bench-training", "--steps", "5")]
    [InlineData("bench-training", "--stepz", "500")]
    [InlineData("encoder-fashion-mnist", "--runz", "x")]
    [InlineData("bench-dit", "--rounds", "0")]
    [InlineData("bench-dit", "--only", "s2/nope")]
    [InlineData("bench-dit", "--steps", "-1")]
    public void ABadOptionIsAUsageError(string command, string option, string value)
    {
        var (code, _, error) = ProgramTests.Run(command, option, value);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: usage: {command}", error);
        Assert.DoesNotContain("   at ", error);
    }
}
