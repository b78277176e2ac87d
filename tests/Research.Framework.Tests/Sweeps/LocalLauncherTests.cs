using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Launchers;
using Research.Framework.Sweeps.Trials;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>The local launcher starts identical worker processes (here the test assembly's fake workers), relays their output by name and returns their exit codes.</summary>
public sealed class LocalLauncherTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("sweep-launcher-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TwoLaunchedWorkersShareTheSweepAndTheirOutputIsRelayedByName()
    {
        var storage = Path.Combine(folder, "sweeps.db");
        var output = new StringWriter();
        var codes = LocalLauncher.Run(FakeSweepWorker.TestProgram, [
            ("a", ["sweep-fake-worker", storage, "launched", "a", folder]),
            ("b", ["sweep-fake-worker", storage, "launched", "b", folder])], output);

        Assert.True(codes.SequenceEqual([0, 0]), output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("[a] a ran ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("[b] b ran ", StringComparison.Ordinal));
        using var store = new SqliteTrialStore(storage);
        var trials = store.Trials(store.FindSweep("launched")!.Id);
        Assert.Equal(FakeSweepWorker.Xs, trials.Where(t => t.State == TrialState.Complete).Select(t => t.Parameters["X"]).Order(StringComparer.Ordinal));
        Assert.Equal(trials.Count, trials.Count(t => t.State == TrialState.Complete));
    }

    [Theory]
    [InlineData("plain-word_1.0", "plain-word_1.0")]
    [InlineData("two words", "'two words'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("$HOME", "'$HOME'")]
    public void ShellWordsAreQuotedWhereNeeded(string word, string quoted) => Assert.Equal(quoted, ProgramCommand.Quote(word));
}
