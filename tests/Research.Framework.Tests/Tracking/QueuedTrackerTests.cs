using Research.Framework.Tracking;
using Xunit;

namespace Research.Framework.Tests.Tracking;

public class QueuedTrackerTests
{
    /// <summary>A sink that blocks until released and records what it received, in order.</summary>
    sealed class GatedSink : ITracker
    {
        public readonly ManualResetEventSlim Gate = new(false);
        public readonly List<string> Calls = [];
        public void Log(IReadOnlyDictionary<string, double> metrics, long step) { Gate.Wait(); lock (Calls) Calls.Add($"log {step} {metrics["loss"]}"); }
        public void LogImage(string key, byte[] png, long step) { Gate.Wait(); lock (Calls) Calls.Add($"image {key} {step}"); }
        public void SetSummary(string key, double value) { Gate.Wait(); lock (Calls) Calls.Add($"summary {key} {value}"); }
        public void Finish(int exitCode) { Gate.Wait(); lock (Calls) Calls.Add($"finish {exitCode}"); }
    }

    [Fact]
    public async Task CallsReturnWhileTheSinkIsStuckAndFinishDeliversEverythingInOrder()
    {
        var sink = new GatedSink();
        using var queued = new QueuedTracker(sink, capacity: 1000);
        var logging = Task.Run(() =>
        {
            var metrics = new Dictionary<string, double>();
            for (int step = 0; step < 100; step++)
            {
                metrics["loss"] = step;          // the caller reuses its dictionary: each call must keep its own values
                queued.Log(metrics, step);
            }
            queued.LogImage("samples", [1, 2, 3], 99);
            queued.SetSummary("final/swd", 0.5);
        });
        // All 102 calls return although the sink has not taken one (a synchronous tracker would still be stuck).
        bool returned = await Task.WhenAny(logging, Task.Delay(TimeSpan.FromSeconds(30))) == logging;
        if (!returned) sink.Gate.Set();
        Assert.True(returned, "the calls blocked on the stuck sink");
        lock (sink.Calls) Assert.Empty(sink.Calls);

        var finishing = Task.Run(() => queued.Finish(0));
        Assert.NotSame(finishing, await Task.WhenAny(finishing, Task.Delay(200)));   // Finish waits until the sink has everything
        sink.Gate.Set();
        await finishing.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal([.. Enumerable.Range(0, 100).Select(s => $"log {s} {s}"), "image samples 99", "summary final/swd 0.5", "finish 0"], sink.Calls);
    }

    [Fact]
    public async Task AFullQueueMakesTheCallerWaitRatherThanDropACall()
    {
        var sink = new GatedSink();
        using var queued = new QueuedTracker(sink, capacity: 4);
        var logging = Task.Run(() =>
        {
            for (int step = 0; step < 20; step++) queued.Log(new Dictionary<string, double> { ["loss"] = step }, step);
        });
        // With the sink stuck, the caller waits once 4 calls (plus the one the pump holds) are queued.
        Assert.NotSame(logging, await Task.WhenAny(logging, Task.Delay(300)));
        sink.Gate.Set();
        await logging.WaitAsync(TimeSpan.FromMinutes(1));
        queued.Finish(0);
        Assert.Equal(21, sink.Calls.Count);
    }

    [Fact]
    public void ASinkErrorIsDescribedAndTheQueueGoesOnAndLateCallsAreIgnored()
    {
        var warnings = new List<string>();
        var sink = new GatedSink();
        sink.Gate.Set();
        using var queued = new QueuedTracker(sink, warn: w => { lock (warnings) warnings.Add(w); });
        queued.Log(new Dictionary<string, double>(), 1);   // no "loss" key: the sink throws
        queued.Log(new Dictionary<string, double> { ["loss"] = 2 }, 2);
        queued.Finish(1);
        queued.Finish(1);

        Assert.Equal(["log 2 2", "finish 1"], sink.Calls);
        Assert.Contains(warnings, w => w.Contains("KeyNotFoundException"));
        Assert.Contains(warnings, w => w.Contains("after Finish"));
    }
}
