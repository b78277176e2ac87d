using Research.Framework.Tracking;
using Xunit;

namespace Research.Framework.Tests.Tracking;

public sealed class CompositeTrackerTests
{
    sealed class Recording : ITracker, IDisposable
    {
        public List<string> Calls { get; } = [];
        public void Log(IReadOnlyDictionary<string, double> metrics, long step) => Calls.Add($"log {step}");
        public void LogImage(string key, byte[] png, long step) => Calls.Add($"image {key} {step}");
        public void SetSummary(string key, double value) => Calls.Add($"summary {key}");
        public void Finish(int exitCode) => Calls.Add($"finish {exitCode}");
        public void Dispose() => Calls.Add("dispose");
    }

    sealed class Broken : ITracker, IDisposable
    {
        public void Log(IReadOnlyDictionary<string, double> metrics, long step) => throw new IOException("disk gone");
        public void LogImage(string key, byte[] png, long step) => throw new IOException("disk gone");
        public void SetSummary(string key, double value) => throw new IOException("disk gone");
        public void Finish(int exitCode) => throw new IOException("disk gone");
        public void Dispose() => throw new IOException("disk gone");
    }

    [Fact]
    public void EverySinkGetsEveryCallEvenWhenAnEarlierSinkThrows()
    {
        var (first, second) = (new Recording(), new Recording());
        var warnings = new List<string>();
        using (var tracker = new CompositeTracker([first, new Broken(), second], warnings.Add))
        {
            tracker.Log(new Dictionary<string, double> { ["loss"] = 1 }, 4);
            tracker.LogImage("samples", [1], 4);
            tracker.SetSummary("eval", 2);
            tracker.Finish(0);
        }

        string[] expected = ["log 4", "image samples 4", "summary eval", "finish 0", "dispose"];
        Assert.Equal(expected, first.Calls);
        Assert.Equal(expected, second.Calls);
        Assert.Equal(5, warnings.Count);
        Assert.Equal("tracking: Broken.Log failed (IOException: disk gone); the other sinks continue", warnings[0]);
    }
}
