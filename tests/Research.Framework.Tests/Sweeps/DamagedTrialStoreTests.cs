using Research.Framework.Sweeps;
using Research.Framework.Sweeps.Trials;
using Research.Framework.Sweeps.Workers;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>
/// Issue 14: a trial store whose file is damaged (garbage bytes) is one clear error naming the file and the repair,
/// never a raw SQLite exception, and a worker whose store is damaged mid-trial lets the trial finish into its run folder.
/// </summary>
public sealed class DamagedTrialStoreTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("damaged-store-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Database => Path.Combine(folder, "sweeps.db");

    /// <summary>Overwrites the store's file with seeded random bytes, as a failing disk or a stray write would.</summary>
    void Garble()
    {
        var bytes = new byte[16 * 4096];
        new Random(14).NextBytes(bytes);
        using var file = new FileStream(Database, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(bytes);
    }

    [Fact]
    public void AGarbageFileIsAClearErrorNamingTheFileAndTheRepair()
    {
        File.WriteAllBytes(Database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7919 % 251))]);

        var error = Assert.Throws<TrialStoreDamagedException>(() => new SqliteTrialStore(Database));

        Assert.Contains(Database, error.Message);
        Assert.Contains("--repair", error.Message);
        Assert.Contains("run folders", error.Message);
        Assert.Equal("SQLite Error 26: 'file is not a database'.", error.Detail);
        Assert.NotNull(SqliteTrialStore.Damage(Database));
    }

    [Fact]
    public void ASoundStorePassesTheDamageCheck()
    {
        using (var store = new SqliteTrialStore(Database)) store.CreateSweep("s", "fake", new SweepObjective("value"), "");
        Assert.Null(SqliteTrialStore.Damage(Database));
    }

    /// <summary>
    /// The probe: the store is damaged while a trial trains. The trial runs to its end (its folder has its result), and
    /// the worker stops with the store's error instead of a SqliteException from recording it.
    /// </summary>
    [Fact]
    public void AStoreDamagedMidTrialStopsTheWorkerWithTheErrorAfterTheTrialKeptItsResult()
    {
        using var store = new DamageableStore(new SqliteTrialStore(Database));
        var sweep = store.CreateSweep("s", "fake", new SweepObjective("value"), "", [new Dictionary<string, string> { ["X"] = "3" }]);
        var runner = new DamagingRunner(() =>
        {
            // SQLite serves an open connection from its page cache and WAL until another connection changes the file, so
            // when this connection notices is a matter of timing: from here on it fails as SQLite fails on this file.
            store.Inner.Dispose();
            Garble();
            store.Failure = Assert.Throws<TrialStoreDamagedException>(() => new SqliteTrialStore(Database));
        }, Path.Combine(folder, "result"));
        var options = new SweepWorkerOptions { WorkerId = "w", HeartbeatInterval = TimeSpan.FromMilliseconds(50), PollInterval = TimeSpan.FromMilliseconds(50) };
        var log = new StringWriter();

        var error = Assert.Throws<TrialStoreDamagedException>(() => new SweepWorker(store, sweep, new SweepSearch(new SearchSpace([]), null, null, [], ""), runner, options, log).Run());

        Assert.Contains(Database, error.Message);
        Assert.Equal("3", File.ReadAllText(Path.Combine(folder, "result")));   // the trial trained to its end
        Assert.Contains("the trial store is damaged; the run finishes", log.ToString());
        Assert.Contains("its run folder keeps the result", log.ToString());
    }

    /// <summary>Reports a value, has the store damaged, records its folder and reports again (neither may stop it), then writes its result.</summary>
    sealed class DamagingRunner(Action damage, string result) : ITrialRunner
    {
        public TrialOutcome Run(TrialContext context)
        {
            Assert.False(context.Report(1, 1.0));
            damage();
            context.RecordRunDirectory(Path.GetDirectoryName(result)!);   // a run that starts now must not fail for it either
            Assert.False(context.Report(2, 2.0));
            File.WriteAllText(result, context.Trial.Parameters["X"]);
            return new TrialOutcome(3.0, Stopped: false);
        }
    }

    /// <summary>A store that behaves as <see cref="Inner"/> until <see cref="Failure"/> is set, then throws it from every call.</summary>
    sealed class DamageableStore(ITrialStore inner) : ITrialStore
    {
        public ITrialStore Inner { get; } = inner;

        public Exception? Failure { get; set; }

        T Call<T>(Func<ITrialStore, T> call) => Failure is null ? call(Inner) : throw Failure;

        public SweepStudy CreateSweep(string name, string experiment, SweepObjective objective, string spec, IReadOnlyList<IReadOnlyDictionary<string, string>>? initial = null) =>
            Call(s => s.CreateSweep(name, experiment, objective, spec, initial));
        public SweepStudy? FindSweep(string name) => Call(s => s.FindSweep(name));
        public StoredTrial Enqueue(long sweepId, IReadOnlyDictionary<string, string> parameters) => Call(s => s.Enqueue(sweepId, parameters));
        public StoredTrial? Claim(long sweepId, string workerId) => Call(s => s.Claim(sweepId, workerId));
        public StoredTrial? Ask(long sweepId, string workerId, Func<IReadOnlyList<TrialRecord>, IReadOnlyDictionary<string, string>?> propose, int? maxTrials = null) =>
            Call(s => s.Ask(sweepId, workerId, propose, maxTrials));
        public bool Heartbeat(long trialId, string workerId) => Call(s => s.Heartbeat(trialId, workerId));
        public bool Report(long trialId, long step, double value) => Call(s => s.Report(trialId, step, value));
        public bool SetRunDirectory(long trialId, string runDirectory) => Call(s => s.SetRunDirectory(trialId, runDirectory));
        public bool Finish(long trialId, TrialState state, double? value) => Call(s => s.Finish(trialId, state, value));
        public bool Release(long trialId, string workerId) => Call(s => s.Release(trialId, workerId));
        public IReadOnlyList<StoredTrial> FailStale(long sweepId, TimeSpan grace, int maxRetries) => Call(s => s.FailStale(sweepId, grace, maxRetries));
        public StoredTrial Restore(long sweepId, int number, TrialState state, IReadOnlyDictionary<string, string> parameters, double? value,
            IReadOnlyList<(long Step, double Value)> intermediate, string runDirectory) => Call(s => s.Restore(sweepId, number, state, parameters, value, intermediate, runDirectory));
        public IReadOnlyList<StoredTrial> Trials(long sweepId) => Call(s => s.Trials(sweepId));
        public StoredTrial? Trial(long trialId) => Call(s => s.Trial(trialId));
        public void Dispose() => Inner.Dispose();
    }
}
