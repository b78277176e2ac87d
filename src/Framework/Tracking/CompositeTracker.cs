namespace Research.Framework.Tracking;

/// <summary>
/// Fans every call out to several sinks (local JSONL, TensorBoard, W&amp;B) and isolates them: a sink that throws is
/// reported through <c>warn</c> and the others still get the call, so a broken remote sink never costs the run its
/// local record.
/// </summary>
public sealed class CompositeTracker : ITracker, IDisposable
{
    readonly Action<string> warn;

    /// <summary>Combines <paramref name="sinks"/>; failures are described to <paramref name="warn"/> (stderr by default).</summary>
    public CompositeTracker(IEnumerable<ITracker> sinks, Action<string>? warn = null)
    {
        Sinks = [.. sinks];
        this.warn = warn ?? Console.Error.WriteLine;
    }

    /// <summary>The sinks, in the order they are called.</summary>
    public IReadOnlyList<ITracker> Sinks { get; }

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step) => Each(nameof(Log), sink => sink.Log(metrics, step));

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step) => Each(nameof(LogImage), sink => sink.LogImage(key, png, step));

    /// <inheritdoc />
    public void SetSummary(string key, double value) => Each(nameof(SetSummary), sink => sink.SetSummary(key, value));

    /// <inheritdoc />
    public void Finish(int exitCode) => Each(nameof(Finish), sink => sink.Finish(exitCode));

    /// <summary>Disposes every disposable sink, each isolated from the others.</summary>
    public void Dispose() => Each(nameof(Dispose), sink => (sink as IDisposable)?.Dispose());

    void Each(string call, Action<ITracker> action)
    {
        foreach (var sink in Sinks)
        {
            try
            {
                action(sink);
            }
            catch (Exception error)
            {
                warn($"tracking: {sink.GetType().Name}.{call} failed ({error.GetType().Name}: {error.Message}); the other sinks continue");
            }
        }
    }
}
