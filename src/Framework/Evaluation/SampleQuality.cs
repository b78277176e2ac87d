using Research.Framework.Data;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The entry points a training or evaluation runner calls. Each returns <see cref="MetricResult"/>s stamped with the
/// caller's <see cref="EvaluationProtocol"/> completed by what this layer knows (extractor, weights and reference
/// hashes, sample count), so the numbers can be logged and compared safely.
/// </summary>
public static class SampleQuality
{
    /// <summary>
    /// Toy 2-D data: SWD and unbiased RBF MMD² of the samples (N, 2) against N fresh exact samples of the true
    /// distribution, each with the same metric for N(0, I) noise printed next to it ("… noise" results): a model is
    /// only good if it is far below its noise baseline. The reference samples come from <paramref name="generator"/>.
    /// </summary>
    public static IReadOnlyList<MetricResult> ForToy2D(Tensor samples, Toy2D dataset, Generator generator, EvaluationProtocol? protocol = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (samples.dim() != 2 || samples.shape[1] != 2) throw new ArgumentException($"Toy samples must be (N, 2); got [{string.Join(", ", samples.shape)}].", nameof(samples));
        using var scope = NewDisposeScope();
        long n = samples.shape[0];
        var reference = dataset.Sample(n, generator).X;
        var noise = randn([n, 2], ScalarType.Float64, generator: generator);
        var stamped = (protocol ?? new EvaluationProtocol { Extractor = "raw-2d", Samples = 0 }) with
        {
            Extractor = "raw-2d", ExtractorWeightsHash = "", ReferenceHash = $"exact:{dataset.GetType().Name}", Samples = (int)n,
        };
        var x = samples.detach().to_type(ScalarType.Float64).cpu();
        return
        [
            new("SWD", SlicedWasserstein.Distance(x, reference, generator), stamped),
            new("SWD noise", SlicedWasserstein.Distance(noise, reference, generator), stamped),
            new("MMD2", KernelMmd.SquaredUnbiased(x, reference), stamped),
            new("MMD2 noise", KernelMmd.SquaredUnbiased(noise, reference), stamped),
        ];
    }

    /// <summary>
    /// Images: FD of the samples' features against saved reference statistics, and, when <paramref name="referenceFeatures"/>
    /// are given, precision and recall (k = 3) against them. Features are streamed in batches for the FD.
    /// </summary>
    public static IReadOnlyList<MetricResult> ForImages(Tensor samples, IFeatureExtractor extractor, FeatureStatistics referenceStats,
        EvaluationProtocol? protocol = null, Tensor? referenceFeatures = null, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(referenceStats);
        var stamped = (protocol ?? new EvaluationProtocol { Extractor = extractor.Name, Samples = 0 }) with
        {
            Extractor = extractor.Name, ExtractorWeightsHash = extractor.WeightsHash, ReferenceHash = referenceStats.Sha256(), Samples = (int)samples.shape[0],
        };
        using var scope = NewDisposeScope();
        var features = FeatureExtraction.Features(extractor, samples, batchSize);
        using var stats = FeatureStatistics.FromFeatures(features);
        var results = new List<MetricResult> { new("FD", FrechetDistance.Compute(stats, referenceStats), stamped) };
        if (referenceFeatures is not null)
        {
            var pr = PrecisionRecall.Compute(referenceFeatures, features);
            results.Add(new MetricResult("Precision", pr.Precision, stamped));
            results.Add(new MetricResult("Recall", pr.Recall, stamped));
        }
        return results;
    }
}
