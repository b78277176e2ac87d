using Research.Framework.Commands;
using Research.Framework.Tests.Tracking;
using Research.Framework.Tracking;
using Xunit;

namespace Research.Framework.Tests.Commands;

public sealed class SyncCommandTests : IDisposable
{
    readonly string run = Directory.CreateTempSubdirectory("sync-command-").FullName;
    readonly WandbTestSupport support = new();

    public void Dispose() => Directory.Delete(run, recursive: true);

    void WriteRun(int lines)
    {
        File.WriteAllText(Path.Combine(run, "config.json"), """{"lr": 0.01}""");
        using var tracker = new JsonlTracker(run);
        for (var step = 0; step < lines; step++) tracker.Log(new Dictionary<string, double> { ["loss"] = 1.0 / (step + 1) }, step);
        tracker.Finish(0);
    }

    static Func<string, string?> Environment(string baseUrl, string key = WandbTestSupport.Key) =>
        new Dictionary<string, string> { ["WANDB_API_KEY"] = key, ["WANDB_BASE_URL"] = baseUrl, ["WANDB_PROJECT"] = "proj", ["WANDB_RUN_ID"] = "sync0001" }.GetValueOrDefault;

    [Fact]
    public void SyncSendsTheRunOnceThenReportsItUpToDate()
    {
        WriteRun(6);
        using var server = new FakeWandbServer(WandbTestSupport.Key);
        var output = new StringWriter();

        Assert.Equal(0, SyncCommand.Run([run], output, Environment(server.BaseUrl), support.Client));
        Assert.Equal(0, SyncCommand.Run([run], output, Environment(server.BaseUrl), support.Client));

        Assert.Equal(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), server.History.Values);
        Assert.True(server.Complete);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("6 history lines", lines[0]);
        Assert.Contains("up to date", lines[1]);
        Assert.DoesNotContain(WandbTestSupport.Key, output.ToString());
    }

    [Fact]
    public void ARejectedKeyExitsWithOneAndNamesTheVariableButNotTheKey()
    {
        WriteRun(2);
        using var server = new FakeWandbServer(WandbTestSupport.Key);
        var output = new StringWriter();
        Assert.Equal(1, SyncCommand.Run([run], output, Environment(server.BaseUrl, key: "wrong-key-0123456789abcdef0123456789abcdef"), support.Client));
        Assert.Contains("WANDB_API_KEY", output.ToString());
        Assert.DoesNotContain("wrong-key-0123456789abcdef0123456789abcdef", output.ToString());
    }

    [Fact]
    public void UsageErrorsNameWhatIsMissing()
    {
        Assert.Contains("WANDB_API_KEY", Assert.Throws<UsageException>(() => { WriteRun(1); SyncCommand.Run([run], TextWriter.Null, _ => null); }).Message);
        Assert.Contains("not a run folder", Assert.Throws<UsageException>(() => SyncCommand.Run([Path.Combine(run, "nothing")], TextWriter.Null, _ => null)).Message);
        Assert.Contains("give one run folder", Assert.Throws<UsageException>(() => SyncCommand.Run([], TextWriter.Null, _ => null)).Message);
    }
}
