using Research.Framework.Commands;
using Research.Framework.Experiments;
using Research.Framework.Sweeps;
using Xunit;

namespace Research.Framework.Tests.Commands;

/// <summary>The one mapping of the library's exceptions to exit code 2, through the host the generated entry point calls.</summary>
public sealed class UsageErrorsTests
{
    static (int Code, string Error) Host(Func<int> body, params string[] args)
    {
        var error = new StringWriter();
        int code = ExperimentHost.Run(args.Length == 0 ? ["fail"] : args, [], [new HostCommand("fail", "fail", "throws", (_, _) => body())], TextWriter.Null, error);
        return (code, error.ToString());
    }

    public static TheoryData<Exception> UsageErrorsOfEachLayer => new()
    {
        new UsageException("--workers takes a whole number ≥ 1, not '0'."),
        new InvalidSettingException("Unknown setting --LerningRate for sit-checkerboard."),
        new InvalidSweepException("Sweep file sweep.yaml does not exist."),
    };

    [Theory]
    [MemberData(nameof(UsageErrorsOfEachLayer))]
    public void EachLayersOwnErrorIsAUsageErrorWithExitCodeTwo(Exception thrown)
    {
        Assert.True(UsageErrors.IsUsageError(thrown));
        var (code, error) = Host(() => throw thrown);
        Assert.Equal(2, code);
        Assert.Equal($"error: {thrown.Message}{Environment.NewLine}Try --help.{Environment.NewLine}", error);
    }

    [Fact]
    public void AnyOtherExceptionIsABugAndKeepsItsStackTrace()
    {
        Assert.False(UsageErrors.IsUsageError(new InvalidOperationException()));
        Assert.False(UsageErrors.IsUsageError(new ArgumentException("a component's own check")));
        Assert.Throws<InvalidOperationException>(() => Host(() => throw new InvalidOperationException("broken")));
    }

    [Fact]
    public void AnUnknownCommandIsAUsageError()
    {
        var (code, error) = Host(() => 0, "trian", "x");
        Assert.Equal(2, code);
        Assert.Contains("Unknown command 'trian x'.", error);
    }

    [Fact]
    public void AnExtraCommandsExitCodeIsReturned() => Assert.Equal(7, Host(() => 7).Code);
}
