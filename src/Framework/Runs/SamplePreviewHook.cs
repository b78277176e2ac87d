using Research.Framework.Evaluation;
using Research.Framework.Samplers;
using Research.Framework.Training;
using TorchSharp;

namespace Research.Framework.Runs;

/// <summary>
/// Every <see cref="Every"/> steps, draws preview samples from the sampling (EMA) model with a fixed seed, so
/// successive previews differ only by training, and logs them as a PNG: a scatter plot over reference data for
/// 2-D points, an image grid otherwise.
/// </summary>
public sealed class SamplePreviewHook(Sampler sampler, long[] sampleShape, int count, long every, long seed,
    double guidanceScale = 1.0, torch.Tensor? reference = null, bool runsAtLastStep = true) : ITrainingHook
{
    /// <inheritdoc />
    public bool RunsAtLastStep { get; } = runsAtLastStep;

    /// <inheritdoc />
    public long Every { get; } = every;

    /// <inheritdoc />
    public void Run(TrainingHookContext context)
    {
        var (samples, _) = SampleGeneration.Generate(context.Model, sampler, sampleShape, count, seed, guidanceScale: guidanceScale);
        context.Tracker.LogImage("samples", Render(samples, sampleShape, reference), context.Step);
    }

    /// <summary>A scatter plot for 2-D points, an image grid of at most 64 images otherwise.</summary>
    public static byte[] Render(torch.Tensor samples, long[] sampleShape, torch.Tensor? reference = null) =>
        sampleShape is [2] ? ScatterPlot.ToPng(samples, reference) : ImageGrid.ToPng(samples.narrow(0, 0, Math.Min(64, samples.shape[0])));
}
