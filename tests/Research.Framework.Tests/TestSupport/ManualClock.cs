namespace Research.Framework.Tests.TestSupport;

/// <summary>A clock that moves only when told (timestamps in ticks of 100 ns), for progress lines and ETAs.</summary>
public sealed class ManualClock : TimeProvider
{
    long ticks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => ticks;

    /// <summary>Moves the clock on by <paramref name="time"/>.</summary>
    public void Advance(TimeSpan time) => ticks += time.Ticks;
}
