using Research.Framework.Sweeps.Trials;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// Issue 14's probe "a corrupt sweeps.db crashes every later sweep command on it, --best included": garbage bytes in
/// the store are one error line (exit 1) naming the file and the repair command; <c>sweep … --repair</c> moves the
/// file aside and rebuilds the trial table from the run folders, after which <c>--best</c> answers as before the damage.
/// </summary>
public sealed class DamagedSweepStoreTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("damaged-sweep-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Runs => Path.Combine(folder, "runs");

    string Store => Path.Combine(Runs, "sweeps.db");   // the default store of the runs folder

    [Fact]
    public void AGarbageStoreIsAClearErrorAndRepairRestoresTheTrialsFromTheRunFolders()
    {
        string[] sweep = ["sweep", "sit-checkerboard", "--runs-dir", Runs, "--trials", "2", .. SweepCommandTests.Tiny];
        var (code, output, error) = ProgramTests.Run(sweep);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var (_, best, _) = ProgramTests.Run([.. sweep, "--best"]);
        IReadOnlyList<StoredTrial> before;
        using (var store = new SqliteTrialStore(Store)) before = store.Trials(store.FindSweep("sit-checkerboard")!.Id);
        Assert.Equal(6, before.Count);   // the grid: two complete, four waiting beyond the budget

        var garbage = new byte[64 * 1024];
        new Random(14).NextBytes(garbage);
        File.WriteAllBytes(Store, garbage);

        foreach (var command in new[] { [.. sweep, "--best"], sweep })
        {
            (code, output, error) = ProgramTests.Run(command);
            Assert.True(code == 1, $"exit {code}: {error}\n{output}");
            Assert.Contains($"the trial store {Store} is damaged", error);
            Assert.Contains("results are safe in their run folders", error);
            Assert.Contains("sweep sit-checkerboard --runs-dir", error);
            Assert.Contains("--repair`", error);
            Assert.DoesNotContain("   at ", error);   // no stack trace
        }

        (code, output, error) = ProgramTests.Run([.. sweep, "--repair"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("moved it to", output);
        Assert.Contains("2 complete, 0 to resume from their checkpoints, 4 enqueued", output);
        Assert.Single(Directory.GetFiles(Runs, "sweeps.db.damaged-*"));

        (code, output, error) = ProgramTests.Run([.. sweep, "--best"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(best, output);
        using (var store = new SqliteTrialStore(Store))
        {
            var after = store.Trials(store.FindSweep("sit-checkerboard")!.Id);
            Assert.Equal(before.Select(Essence), after.Select(Essence));
            Assert.Equal(before.Select(t => t.Intermediate.ToArray()), after.Select(t => t.Intermediate.ToArray()));
        }

        // Repairing a sound store that has the sweep changes nothing.
        (code, output, _) = ProgramTests.Run([.. sweep, "--repair"]);
        Assert.Equal(0, code);
        Assert.Contains("nothing to repair", output);
    }

    /// <summary>What a trial is, apart from store ids, workers and clocks.</summary>
    static string Essence(StoredTrial t) =>
        $"#{t.Number} {t.State} {string.Join(',', t.Parameters.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))} {t.Value:R} {t.RunDirectory}";
}
