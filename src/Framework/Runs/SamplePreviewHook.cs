using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Samplers;
using Research.Framework.Training;
using TorchSharp;

namespace Research.Framework.Runs;

/// <summary>
/// Every <see cref="Every"/> steps, draws preview samples from the sampling (EMA) model with a fixed seed, so
/// successive previews differ only by training, and logs them as a PNG: a scatter plot over reference data for
/// 2-D points, an image grid otherwise. <paramref name="guidance"/> gives the interval and guide (the run's
/// <see cref="GuidanceSampling"/>); <paramref name="guidanceScale"/> the scale. Samples of a data set that encodes images
/// (<paramref name="dataset"/> an <see cref="IEncodedImages"/>, e.g. latents) are decoded before they are drawn.
/// </summary>
public sealed class SamplePreviewHook(Sampler sampler, long[] sampleShape, int count, long every, long seed,
    double guidanceScale = 1.0, torch.Tensor? reference = null, bool runsAtLastStep = true, IReadOnlyList<string>? classNames = null,
    SampleOptions? guidance = null, IDataset? dataset = null) : ITrainingHook
{
    /// <inheritdoc />
    public bool RunsAtLastStep { get; } = runsAtLastStep;

    /// <inheritdoc />
    public long Every { get; } = every;

    /// <inheritdoc />
    public void Run(TrainingHookContext context)
    {
        var options = (guidance ?? SampleOptions.Default) with { GuidanceScale = guidanceScale };
        var (samples, labels) = SampleGeneration.Generate(context.Model, sampler, sampleShape, count, seed, options);
        using var scope = torch.NewDisposeScope();
        var shown = dataset is null ? samples : EncodedImages.ToImages(dataset, samples);
        context.Tracker.LogImage("samples", Render(shown, shown.shape[1..], reference, labels, classNames), context.Step);
    }

    /// <summary>
    /// A scatter plot with axes for 2-D points; otherwise an image grid of at most 64 images, each captioned with the
    /// class it was drawn for when <paramref name="labels"/> are given (one column per class).
    /// </summary>
    public static byte[] Render(torch.Tensor samples, long[] sampleShape, torch.Tensor? reference = null, torch.Tensor? labels = null,
        IReadOnlyList<string>? classNames = null)
    {
        if (sampleShape is [2]) return ScatterPlot.ToPng(samples, reference, axes: true);
        long shown = Math.Min(64, samples.shape[0]);
        if (labels is null) return ImageGrid.ToPng(samples.narrow(0, 0, shown));
        using var scope = torch.NewDisposeScope();
        int classes = (int)labels.max().item<long>() + 1;
        return ImageGrid.ToPng(samples.narrow(0, 0, shown), labels.narrow(0, 0, shown), classNames, classes);
    }
}
