using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Progress;
using Research.Framework.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// What image metrics compare against: the feature extractor, the saved reference statistics (for the FD) and,
/// optionally, reference features (for precision and recall).
/// </summary>
public sealed record ImageReference(IFeatureExtractor Extractor, FeatureStatistics Statistics, Tensor? Features = null);

/// <summary>
/// The samples one evaluation drew (float32, CPU), their metrics, and exact data to plot them over (toy data only).
/// Disposing it frees the tensors.
/// </summary>
public sealed record EvaluationReport(Tensor Samples, IReadOnlyList<MetricResult> Metrics, double GuidanceScale, Tensor? Reference) : IDisposable
{
    /// <summary>The class each sample was drawn for (int64, CPU), or null for an unconditional model: the image grid labels its tiles with them.</summary>
    public Tensor? Labels { get; init; }

    /// <summary>The data set's class names (label k is ClassNames[k]), or null when it has none.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The samples decoded to images when the data set encodes images (<see cref="IEncodedImages"/>, e.g. latents), else null.</summary>
    public Tensor? Images { get; init; }

    /// <summary>What the samples look like: the decoded images, or the samples themselves.</summary>
    public Tensor Shown => Images ?? Samples;

    /// <inheritdoc />
    public void Dispose()
    {
        Samples.Dispose();
        Images?.Dispose();
        Reference?.Dispose();
        Labels?.Dispose();
    }
}

/// <summary>
/// The one code path from a model to sample-quality numbers, shared by the periodic evaluation in training, the
/// final evaluation of a run and the standalone <c>eval</c> command, so the three can never drift apart: draw
/// samples with <see cref="SampleGeneration"/> (batched, seeded, balanced labels), then measure them with
/// <see cref="SampleQuality"/> (2-D toy data against fresh exact samples with the noise baseline; images by FD and,
/// with reference features, precision/recall; latents decoded to images first), each number stamped with its full <see cref="EvaluationProtocol"/>.
/// Everything random derives from the seed, so the same model, seed and count give the same numbers.
/// </summary>
public sealed class SampleEvaluator
{
    /// <summary>Exact points drawn for a scatter plot's background (not for the metric).</summary>
    const int PlotReferenceCount = 1024;

    readonly Sampler sampler;
    readonly IDataset dataset;
    readonly ImageReference? images;
    readonly SampleOptions guidance;
    readonly string guideName;

    /// <summary>
    /// Evaluates samples of <paramref name="dataset"/>'s shape; image data needs <paramref name="images"/> to be measured.
    /// <paramref name="guidance"/> gives the interval and guide of every evaluation (its scale is each call's own), and
    /// <paramref name="guideName"/> what the protocol calls that guide.
    /// </summary>
    public SampleEvaluator(Sampler sampler, IDataset dataset, ImageReference? images = null, SampleOptions? guidance = null, string guideName = GuidanceSettings.NullLabelGuide)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(dataset);
        (this.sampler, this.dataset, this.images) = (sampler, dataset, images);
        this.guidance = guidance ?? SampleOptions.Default;
        this.guideName = guideName;
    }

    /// <summary>True when <see cref="Evaluate"/> returns numbers (toy 2-D data, or images with a reference), not only samples.</summary>
    public bool Measures => dataset is Toy2D || images is not null;

    /// <summary>
    /// Draws <paramref name="count"/> samples from <paramref name="model"/> (the caller swaps in the sampling weights
    /// and turns gradients off) and measures them. The samples' noise uses <paramref name="seed"/>; the toy reference
    /// draws and noise baseline use seed + 1, the scatter plot's background seed + 2. <paramref name="progress"/>, when
    /// given, starts the meter that the sampling advances per batch and sampler step (see <see cref="SampleGeneration"/>).
    /// </summary>
    public EvaluationReport Evaluate(Interface model, int count, long seed, double guidanceScale = 1.0, int batchSize = 512,
        Func<long, ProgressMeter>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (samples, labels) = SampleGeneration.Generate(model, sampler, dataset.SampleShape, count, seed, guidance with { GuidanceScale = guidanceScale }, batchSize, progress);
        var protocol = new EvaluationProtocol
        {
            Extractor = "", Samples = count, Sampler = sampler.GetType().Name, Steps = sampler.Steps, GuidanceScale = guidanceScale, Seed = seed,
            GuidanceInterval = guidance.GuidanceInterval, Guide = guideName,
        };
        Tensor? images = null;
        try
        {
            IReadOnlyList<MetricResult> metrics;
            Tensor? reference = null;
            if (dataset is Toy2D toy)
            {
                using (var generator = new Generator(unchecked((ulong)seed + 1), CPU))
                    metrics = SampleQuality.ForToy2D(samples, toy, generator, protocol);
                using var plot = new Generator(unchecked((ulong)seed + 2), CPU);
                var (x, drawnLabels) = toy.Sample(PlotReferenceCount, plot);
                reference = x.to_type(ScalarType.Float32);
                x.Dispose();
                drawnLabels?.Dispose();
            }
            else
            {
                if (dataset is IEncodedImages encoded) images = encoded.DecodeImages(samples);
                metrics = this.images is not { } measure ? [] : SampleQuality.ForImages(images ?? samples, measure.Extractor, measure.Statistics, protocol, measure.Features);
            }
            return new EvaluationReport(samples, metrics, guidanceScale, reference) { Labels = labels, ClassNames = (dataset as IClassNames)?.ClassNames, Images = images };
        }
        catch
        {
            samples.Dispose();
            images?.Dispose();
            labels?.Dispose();
            throw;
        }
    }
}
