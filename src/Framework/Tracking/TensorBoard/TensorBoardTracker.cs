using System.Globalization;

namespace Research.Framework.Tracking.TensorBoard;

/// <summary>
/// Writes <c>events.out.tfevents.&lt;unix-seconds&gt;.&lt;host&gt;</c> (plus a counter if that name is taken) in the run folder so <c>tensorboard --logdir runs</c> shows
/// every run with no account: scalars as <c>simple_value</c>, images as PNG image summaries. Wall time keeps
/// fractional seconds and steps are 64-bit (TorchSharp's own writer truncates both). Every record is flushed, so
/// a crash loses nothing logged and a live TensorBoard sees it at once.
/// </summary>
public sealed class TensorBoardTracker : ITracker, IDisposable
{
    readonly TfRecordWriter writer;
    readonly Lock gate = new();
    long lastStep;
    bool closed;

    /// <summary>Creates the event file in <paramref name="runDirectory"/> and writes the file_version record.</summary>
    public TensorBoardTracker(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString("D10", CultureInfo.InvariantCulture);
        var host = FileNames.Safe(Environment.MachineName);
        var path = Path.Combine(runDirectory, $"events.out.tfevents.{seconds}.{host}");
        for (var counter = 1; File.Exists(path); counter++) path = Path.Combine(runDirectory, $"events.out.tfevents.{seconds}.{host}.{counter}"); // a second writer in the same second
        FilePath = path;
        writer = new TfRecordWriter(new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
        Append(TensorBoardEvents.Version(WallTime()));
    }

    /// <summary>The event file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step)
    {
        lock (gate)
        {
            lastStep = step;
            Append(TensorBoardEvents.Scalars(WallTime(), step, metrics));
        }
    }

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step) => Append(TensorBoardEvents.Image(WallTime(), step, key, png));

    /// <summary>TensorBoard has no summary table, so a summary value becomes a scalar at the last logged step.</summary>
    public void SetSummary(string key, double value) => Append(TensorBoardEvents.Scalars(WallTime(), lastStep, [KeyValuePair.Create(key, value)]));

    /// <summary>Flushes and closes the file (the exit code has no TensorBoard representation).</summary>
    public void Finish(int exitCode) => Dispose();

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate)
        {
            if (closed) return;
            closed = true;
            writer.Dispose();
        }
    }

    void Append(byte[] record)
    {
        lock (gate)
        {
            if (closed) return;
            writer.Write(record);
            writer.Flush();
        }
    }

    static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
