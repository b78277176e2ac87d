using Research.Framework.Dashboard;
using Research.Framework.Commands;
using Xunit;

namespace Research.Framework.Tests.Commands;

public sealed class DashboardCommandTests
{
    [Fact]
    public void ReadsThePortAndRunsFolderInBothSpellings()
    {
        Assert.Equal(new DashboardOptions("runs") { Port = DashboardCommand.DefaultPort }, DashboardCommand.Parse([]));
        Assert.Equal(new DashboardOptions("out/runs") { Port = 0 }, DashboardCommand.Parse(["--port", "0", "--runs-dir", "out/runs"]));
        Assert.Equal(new DashboardOptions("x") { Port = 65535 }, DashboardCommand.Parse(["--port=65535", "--runs-dir=x"]));
    }

    [Theory]
    [InlineData("--port must be a whole number from 1 to 65535", "--port", "http")]
    [InlineData("--port must be a whole number from 1 to 65535", "--port", "65536")]
    [InlineData("--port must be a whole number from 1 to 65535", "--port", "-1")]
    [InlineData("--port must be a whole number from 1 to 65535", "--port")]
    [InlineData("--runs-dir needs a folder", "--runs-dir")]
    [InlineData("unknown option '--host'. Options: --port N", "--host", "0.0.0.0")]
    public void BadOptionsAreUsageErrorsNamingTheValidChoices(string message, params string[] arguments)
    {
        var error = Assert.Throws<UsageException>(() => DashboardCommand.Parse(arguments));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task ATakenPortIsAUsageErrorThatSuggestsAnother()
    {
        var runs = Directory.CreateTempSubdirectory("dashboard-port-").FullName;
        try
        {
            await using var first = await DashboardServer.StartAsync(new DashboardOptions(runs));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var error = Assert.Throws<UsageException>(() => DashboardCommand.Run(["--port", first.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--runs-dir", runs], TextWriter.Null, cancel.Token));
            Assert.Contains($"port {first.Url.Port} on 127.0.0.1 is taken", error.Message);
            Assert.Contains("--port 0", error.Message);
        }
        finally
        {
            Directory.Delete(runs, recursive: true);
        }
    }
}
