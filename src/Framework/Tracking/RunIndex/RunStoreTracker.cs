using System.Diagnostics;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>
/// Writes a run through to the <see cref="RunStore"/> index: the run row on construction (with its config),
/// metric rows batched so a Log call costs a list append (a transaction every <see cref="RunStoreTrackerOptions.FlushRows"/>
/// rows or <see cref="RunStoreTrackerOptions.FlushInterval"/>, whichever comes first), summary values, and the
/// final status and exit code. Images are not indexed: they stay in the run folder's media/.
/// Keys starting with '_' are W&amp;B's reserved history keys and are not stored, as <see cref="RunStore.Rebuild"/> reads them.
/// </summary>
public sealed class RunStoreTracker : ITracker, IDisposable
{
    readonly RunStore store;
    readonly bool ownsStore;
    readonly RunStoreTrackerOptions options;
    readonly List<(string Key, long Step, double Value)> pending = [];
    readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    readonly Lock gate = new();
    bool disposed;

    /// <summary>Registers <paramref name="run"/> in <paramref name="store"/> (left open on Dispose unless <paramref name="ownsStore"/>).</summary>
    public RunStoreTracker(RunStore store, RunRecord run, RunStoreTrackerOptions? options = null, bool ownsStore = false)
    {
        this.store = store;
        this.ownsStore = ownsStore;
        this.options = options ?? new RunStoreTrackerOptions();
        Run = run;
        store.StartRun(run);
    }

    /// <summary>Opens <c>&lt;runsFolder&gt;/runs.db</c> and registers the run in <paramref name="runDirectory"/> with config <paramref name="configJson"/>.</summary>
    public static RunStoreTracker Open(string runsFolder, string runDirectory, string? configJson, RunStoreTrackerOptions? options = null)
    {
        var store = RunStore.Open(runsFolder);
        try
        {
            return new RunStoreTracker(store, RunStore.DescribeRun(runsFolder, runDirectory, configJson, DateTimeOffset.UtcNow), options, ownsStore: true);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The run this tracker writes.</summary>
    public RunRecord Run { get; }

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step)
    {
        lock (gate)
        {
            foreach (var (key, value) in metrics)
                if (!RunStore.IsReserved(key))
                    pending.Add((key, step, value));
            if (pending.Count >= options.FlushRows || sinceFlush.Elapsed >= options.FlushInterval) FlushLocked();
        }
    }

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step)
    {
        // Images live in the run folder (media/); the dashboard serves them from there.
    }

    /// <inheritdoc />
    public void SetSummary(string key, double value)
    {
        if (RunStore.IsReserved(key)) return;
        store.SetSummary(Run.Id, new Dictionary<string, double> { [key] = value });
    }

    /// <summary>Writes the metrics batched so far.</summary>
    public void Flush()
    {
        lock (gate) FlushLocked();
    }

    /// <inheritdoc />
    public void Finish(int exitCode)
    {
        lock (gate)
        {
            FlushLocked();
            store.FinishRun(Run.Id, exitCode);
        }
    }

    /// <summary>Writes what is batched; a run disposed without <see cref="Finish"/> stays running until marked crashed.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            try
            {
                FlushLocked();
            }
            finally
            {
                if (ownsStore) store.Dispose();
            }
        }
    }

    void FlushLocked()
    {
        sinceFlush.Restart();
        if (pending.Count == 0) return;
        store.AddMetrics(Run.Id, pending);
        pending.Clear();
    }
}
