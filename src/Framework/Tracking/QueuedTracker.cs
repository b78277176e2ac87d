using System.Threading.Channels;

namespace Research.Framework.Tracking;

/// <summary>
/// Keeps the training loop off the sinks' I/O: calls go into a bounded queue that one background task drains, in
/// order, into <see cref="Inner"/> (for a run, the <see cref="CompositeTracker"/> of its sinks). Nothing is dropped:
/// when the sinks fall <see cref="Capacity"/> calls behind, the caller waits for room rather than losing a metric.
/// <see cref="Finish"/> and <see cref="Dispose"/> drain everything queued before they return, so a run that ends,
/// crashes or is stopped with Ctrl-C leaves every logged value in its folder.
/// </summary>
public sealed class QueuedTracker : ITracker, IDisposable
{
    readonly Channel<Action<ITracker>> queue;
    readonly Task pump;
    readonly Action<string> warn;
    bool drained;

    /// <summary>Queues calls for <paramref name="inner"/>; a call that throws there is described to <paramref name="warn"/>.</summary>
    public QueuedTracker(ITracker inner, int capacity = 4096, Action<string>? warn = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        (Inner, Capacity, this.warn) = (inner, capacity, warn ?? Console.Error.WriteLine);
        queue = Channel.CreateBounded<Action<ITracker>>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        pump = Task.Run(Drain);
    }

    /// <summary>The tracker the queue drains into.</summary>
    public ITracker Inner { get; }

    /// <summary>How many calls may wait before a caller waits for room.</summary>
    public int Capacity { get; }

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step)
    {
        var copy = new Dictionary<string, double>(metrics);   // the caller may reuse its dictionary
        Enqueue(sink => sink.Log(copy, step));
    }

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step) => Enqueue(sink => sink.LogImage(key, png, step));

    /// <inheritdoc />
    public void SetSummary(string key, double value) => Enqueue(sink => sink.SetSummary(key, value));

    /// <summary>Queues the finish, then waits until the sinks have received every call, this one included.</summary>
    public void Finish(int exitCode)
    {
        Enqueue(sink => sink.Finish(exitCode));
        Complete();
    }

    /// <summary>Drains what is queued (if <see cref="Finish"/> did not). The inner tracker belongs to the caller, who disposes it.</summary>
    public void Dispose() => Complete();

    void Enqueue(Action<ITracker> call)
    {
        // After Finish the sinks are closed; a late call (a second Finish on an error path) is described, not thrown,
        // so it cannot mask the error being handled.
        if (drained) { warn("tracking: a call after Finish was ignored; the run's record is already complete"); return; }
        try
        {
            if (!queue.Writer.TryWrite(call)) queue.Writer.WriteAsync(call).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            warn("tracking: a call racing Finish on another thread was ignored");
        }
    }

    /// <summary>Closes the queue and waits until the pump has delivered everything in it.</summary>
    void Complete()
    {
        if (drained) return;
        drained = true;
        queue.Writer.Complete();
        pump.GetAwaiter().GetResult();
    }

    async Task Drain()
    {
        await foreach (var call in queue.Reader.ReadAllAsync())
        {
            try
            {
                call(Inner);
            }
            catch (Exception error)
            {
                warn($"tracking: a queued call failed ({error.GetType().Name}: {error.Message}); the queue goes on");
            }
        }
    }
}
