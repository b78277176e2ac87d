using System.Collections.Concurrent;
using Research.Framework.Tracking;
using Research.Framework.Tracking.Wandb;

namespace Research.Framework.Tests.Tracking.Wandb;

/// <summary>Settings and options that point the W&amp;B client at a fake server and spend backoff waits instantly, recording them.</summary>
sealed class WandbTestSupport
{
    public const string Key = "local-0123456789abcdef0123456789abcdef01234567";

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();
    public ConcurrentQueue<string> Warnings { get; } = new();

    public WandbClientOptions Client => new()
    {
        Delay = (wait, _) =>
        {
            Waits.Enqueue(wait);
            return Task.CompletedTask;
        },
        Jitter = () => 0,
        Warn = Warnings.Enqueue,
    };

    public WandbTrackerOptions Tracker => new() { FlushInterval = TimeSpan.Zero, HeartbeatInterval = TimeSpan.FromHours(1), Client = Client };

    public static WandbSettings Settings(string baseUrl, string key = Key) => new()
    {
        ApiKey = key, BaseUrl = baseUrl, Project = "proj", RunId = "run12345", DisplayName = "toy run", Group = "sweep-1",
        Tags = ["toy", "cpu"], JobType = "train",
    };

    public static string ClosedPortUrl()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
