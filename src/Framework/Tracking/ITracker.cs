namespace Research.Framework.Tracking;

/// <summary>
/// Where a run's metrics go. The tracking issue adds the run store, the dashboard and W&amp;B; the trainer only
/// needs these calls.
/// </summary>
public interface ITracker
{
    /// <summary>Records scalar metrics at a step.</summary>
    void Log(IReadOnlyDictionary<string, double> metrics, long step);

    /// <summary>Records an image (PNG bytes) at a step.</summary>
    void LogImage(string key, byte[] png, long step);

    /// <summary>Sets final values (for example the last loss or a sample-quality metric).</summary>
    void SetSummary(string key, double value);

    /// <summary>Flushes everything; exitCode 0 means the run finished normally.</summary>
    void Finish(int exitCode);
}
