using Research.Framework.Progress;
using Research.Framework.Tests.TestSupport;
using Xunit;

namespace Research.Framework.Tests.Progress;

/// <summary>
/// Plain progress lines come at the stated cadence (every 10 % of the work or every interval, whichever is first, and
/// always at the end), never one per unit, and carry done/total and the ETA at the average rate since the start.
/// </summary>
public sealed class ProgressMeterTests
{
    static (ProgressOutput Output, StringWriter Console, StringWriter Log, ManualClock Clock) Redirected(ProgressCadence cadence)
    {
        var clock = new ManualClock();
        var console = new StringWriter();
        var log = new StringWriter();
        return (new ProgressOutput(console, interactive: false, log, cadence, clock), console, log, clock);
    }

    static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void ALineEveryTenthOfTheWorkWithTheEtaAtTheAverageRate()
    {
        var (output, console, log, clock) = Redirected(new ProgressCadence(0.1, TimeSpan.FromHours(1)));
        var meter = output.Start("step", 200);
        for (int step = 1; step <= 200; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));   // 2 s per step: at step k, k·2 s elapsed and (200 − k)·2 s left
            meter.Report(step, "loss 0.5");
        }

        var lines = Lines(console);
        Assert.Equal(10, lines.Length);   // steps 20, 40, …, 200: not one per step
        Assert.Equal(lines, Lines(log));  // the log gets the same lines
        Assert.Equal("step 20/200 (10%)  loss 0.5  elapsed 0:40  eta 6:00", lines[0]);
        Assert.Equal("step 100/200 (50%)  loss 0.5  elapsed 3:20  eta 3:20", lines[4]);
        Assert.Equal("step 200/200 (100%)  loss 0.5  elapsed 6:40  eta done", lines[^1]);
    }

    [Fact]
    public void SlowWorkWritesALineEveryIntervalAndTheLastUnitAlways()
    {
        var (output, console, _, clock) = Redirected(new ProgressCadence(0.5, TimeSpan.FromSeconds(60)));
        var meter = output.Start("final sampling, sampler step", 10);
        for (int step = 1; step <= 7; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(25));   // half the work (5 units) takes 125 s, so the 60 s interval decides: units 3 (75 s) and 6 (150 s)
            meter.Report(step);
        }
        clock.Advance(TimeSpan.FromSeconds(1));
        meter.Report(10);   // the end always prints

        var lines = Lines(console);
        Assert.Equal(["final sampling, sampler step 3/10 (30%)  elapsed 1:15  eta 2:55",
            "final sampling, sampler step 6/10 (60%)  elapsed 2:30  eta 1:40",
            "final sampling, sampler step 10/10 (100%)  elapsed 2:56  eta done"], lines);
    }

    [Fact]
    public void AResumedTaskEstimatesFromItsOwnRateAndLongTasksShowHours()
    {
        var (output, console, _, clock) = Redirected(new ProgressCadence(0.01, TimeSpan.FromHours(1)));
        var meter = output.Start("step", 20000, done: 10000);   // resumed at step 10,000: those steps took no time here
        clock.Advance(TimeSpan.FromSeconds(300));
        meter.Report(10200);   // 200 steps in 300 s: 9,800 left take 14,700 s = 4:05:00

        Assert.Equal("step 10200/20000 (51%)  elapsed 5:00  eta 4:05:00", Assert.Single(Lines(console)));
    }

    [Fact]
    public void AnInteractiveConsoleGetsARedrawnBarAndTheLogStillGetsLines()
    {
        var clock = new ManualClock();
        var console = new StringWriter();
        var log = new StringWriter();
        var meter = new ProgressOutput(console, interactive: true, log, new ProgressCadence(0.5, TimeSpan.FromHours(1)), clock).Start("step", 4);
        for (int step = 1; step <= 4; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            meter.Report(step);
        }
        meter.Finish();

        var text = console.ToString();
        Assert.Equal(4, text.Count(c => c == '\r'));   // one redraw per report (they are 1 s apart, over the 0.1 s redraw limit)
        Assert.Contains("\rstep [############............] 2/4  elapsed 0:02  eta 0:02", text);
        Assert.EndsWith("eta done" + Environment.NewLine, text);   // Finish ends the bar's line
        Assert.Equal(["step 2/4 (50%)  elapsed 0:02  eta 0:02", "step 4/4 (100%)  elapsed 0:04  eta done"], Lines(log));
    }

    /// <summary>A task shorter than the cadence's quiet time writes its last line only; a longer one starts its lines once past it.</summary>
    [Fact]
    public void AShortTaskWritesOnlyItsLastLine()
    {
        var (output, console, _, clock) = Redirected(new ProgressCadence(0.1, TimeSpan.FromHours(1), TimeSpan.FromSeconds(5)));
        var quick = output.Start("quick", 10);
        for (int step = 1; step <= 10; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.1));
            quick.Report(step);
        }
        Assert.Single(console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("10/10", console.ToString());

        console.GetStringBuilder().Clear();
        var slow = output.Start("slow", 10);
        for (int step = 1; step <= 10; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            slow.Report(step);
        }
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["5/10", "6/10", "7/10", "8/10", "9/10", "10/10"], lines.Select(line => line.Split(' ')[1]));   // from 5 s on, every 10 %
    }
}
