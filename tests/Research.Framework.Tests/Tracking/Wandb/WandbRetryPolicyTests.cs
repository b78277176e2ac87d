using Research.Framework.Tracking;
using Research.Framework.Tracking.Wandb;
using Xunit;

namespace Research.Framework.Tests.Tracking.Wandb;

public sealed class WandbRetryPolicyTests
{
    [Fact]
    public void MostFailuresAreRetriedButClientErrorsAreNot()
    {
        int[] statuses = [0, 400, 401, 403, 404, 408, 409, 410, 413, 422, 429, 500, 501, 502, 503, 504];
        Assert.Equal([0, 408, 429, 500, 502, 503, 504], statuses.Where(WandbRetryPolicy.GraphQl.ShouldRetry));
        Assert.Equal([0, 404, 408, 409, 413, 429, 500, 501, 502, 503, 504], statuses.Where(WandbRetryPolicy.UpsertBucket.ShouldRetry));
        Assert.Equal(statuses.Where(WandbRetryPolicy.GraphQl.ShouldRetry), statuses.Where(WandbRetryPolicy.FileStream.ShouldRetry));
    }

    [Fact]
    public void ChannelsHaveWandbCoresCaps()
    {
        Assert.Equal((20, 30.0), (WandbRetryPolicy.GraphQl.MaxRetries, WandbRetryPolicy.GraphQl.AttemptTimeout!.Value.TotalSeconds));
        Assert.Equal((10085, 180.0), (WandbRetryPolicy.FileStream.MaxRetries, WandbRetryPolicy.FileStream.AttemptTimeout!.Value.TotalSeconds));
        Assert.Equal((20, (TimeSpan?)null), (WandbRetryPolicy.Upload.MaxRetries, WandbRetryPolicy.Upload.AttemptTimeout));
    }

    [Fact]
    public void BackoffDoublesWithJitterUpToTheCapAndRetryAfterWins()
    {
        var policy = WandbRetryPolicy.GraphQl;
        Assert.Equal([2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0], Enumerable.Range(0, 7).Select(a => policy.Backoff(a, 0).TotalSeconds));
        Assert.Equal(2.5, policy.Backoff(0, 1).TotalSeconds);
        Assert.Equal(7.0, policy.Backoff(5, 0.5, TimeSpan.FromSeconds(7)).TotalSeconds);
        Assert.Equal(60.0, policy.Backoff(0, 0, TimeSpan.FromHours(1)).TotalSeconds);
    }

    [Fact]
    public void ParsesRetryAfterSecondsAndHttpDates()
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(12), WandbRetryPolicy.ParseRetryAfter("12", now));
        Assert.Equal(TimeSpan.FromSeconds(30), WandbRetryPolicy.ParseRetryAfter("Fri, 02 Jan 2026 03:04:35 GMT", now));
        Assert.Null(WandbRetryPolicy.ParseRetryAfter("soon", now));
        Assert.Null(WandbRetryPolicy.ParseRetryAfter(null, now));
    }
}
