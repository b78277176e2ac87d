using Research.Framework.Evaluation;
using Research.Framework.Interfaces;
using Research.Framework.Progress;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

/// <summary>Drawing many samples reports its progress per batch and sampler step, with an ETA.</summary>
public sealed class SampleGenerationProgressTests
{
    [Fact]
    public void EverySamplerStepOfEveryBatchAdvancesTheMeter()
    {
        var clock = new ManualClock();
        // Each model call takes one second of the clock; Euler makes one call per step (no guidance).
        var network = new LambdaNetwork((x, t, cond) =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            return zeros_like(x);
        });
        var model = new SiTInterface(network, TimeDist.Uniform, new SiTOptions { Seed = 1 });
        var console = new StringWriter();
        var output = new ProgressOutput(console, interactive: false, cadence: new ProgressCadence(1.0 / 12, TimeSpan.FromHours(1)), clock: clock);

        var (samples, labels) = SampleGeneration.Generate(model, new Euler(4), [2], count: 10, seed: 1, batchSize: 4,
            progress: units => output.Start("final sampling, sampler step", units));
        samples.Dispose();

        // 3 batches (4, 4 and 2 samples) × 4 steps = 12 units, a line for each (the cadence is one twelfth).
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Null(labels);
        Assert.Equal(12, lines.Length);
        Assert.Equal("final sampling, sampler step 1/12 (8%)  batch 1/3  elapsed 0:01  eta 0:11", lines[0]);
        Assert.Equal("final sampling, sampler step 5/12 (42%)  batch 2/3  elapsed 0:05  eta 0:07", lines[4]);
        Assert.Equal("final sampling, sampler step 12/12 (100%)  batch 3/3  elapsed 0:12  eta done", lines[^1]);
    }
}
