using Research.Framework.Progress;
using Research.Framework.Tests.TestSupport;
using Research.Framework.Training;
using Xunit;

namespace Research.Framework.Tests.Training;

/// <summary>Training progress in a log: step/total with the loss, speed and ETA at the cadence, and the interval means.</summary>
public sealed class TrainingProgressTests
{
    [Fact]
    public void RedirectedOutputGetsStepLinesWithAnEtaAtTheCadenceAndTheMetricLines()
    {
        var clock = new ManualClock();
        var console = new StringWriter();
        var progress = new TrainingProgress(new ProgressOutput(console, interactive: false, cadence: new ProgressCadence(0.25, TimeSpan.FromHours(1)), clock: clock), 100);
        for (int step = 1; step <= 100; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(0.5));
            progress.Step(step, loss: 1.0 / step, stepsPerSecond: 2);
            if (step % 50 == 0) progress.Log(step, new Dictionary<string, double> { ["train/loss"] = 0.25 });
        }
        progress.Finish();

        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The rate counts from step 1's report: at step 26, 25 steps took 12.5 s, so the 74 left take 37 s. A line
        // every 25 steps from there (26, 51, 76) and at the end; the interval means at each logging step.
        Assert.Equal([
            "step 26/100 (26%)  loss 0.0385  2.0 it/s  elapsed 0:12  eta 0:37",
            "step 50/100  train/loss 0.25",
            "step 51/100 (51%)  loss 0.0196  2.0 it/s  elapsed 0:25  eta 0:24",
            "step 76/100 (76%)  loss 0.0132  2.0 it/s  elapsed 0:37  eta 0:12",
            "step 100/100 (100%)  loss 0.0100  2.0 it/s  elapsed 0:49  eta done",
            "step 100/100  train/loss 0.25"], lines);
    }
}
