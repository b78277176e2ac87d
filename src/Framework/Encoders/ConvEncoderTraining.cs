using Research.Framework.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Encoders;

/// <summary>
/// Trains a <see cref="ConvFeatureEncoder"/> as a classifier (cross-entropy through its head), so its last feature map
/// becomes a semantic feature space for REPA to align with; and measures its accuracy on held-out data.
/// </summary>
public static class ConvEncoderTraining
{
    /// <summary>
    /// A new encoder trained on <paramref name="data"/> (labelled images); seeded by the two options' seeds.
    /// <paramref name="onStep"/> sees each step (1-based) and its loss. Returns the encoder in eval mode.
    /// </summary>
    public static ConvFeatureEncoder Train(IIndexedDataset data, ConvEncoderOptions options, ConvEncoderTrainingOptions training,
        Action<int, double>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(training);
        training.Validate();
        var encoder = new ConvFeatureEncoder(options);
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = training.BatchSize, Seed = training.Seed });
        using var optimizer = optim.AdamW(encoder.parameters(), training.LearningRate);
        encoder.train();
        for (int step = 1; step <= training.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = loader.Next();
            var labels = batch.Labels ?? throw new ArgumentException("Training the encoder needs a labelled data set.", nameof(data));
            var loss = nn.functional.cross_entropy(encoder.Logits(batch.X), labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            onStep?.Invoke(step, loss.item<float>());
        }
        encoder.eval();
        return encoder;
    }

    /// <summary>The fraction of <paramref name="data"/> the encoder's head classifies correctly (in batches, without gradient).</summary>
    public static double Accuracy(ConvFeatureEncoder encoder, IIndexedDataset data, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(data);
        long correct = 0;
        using var noGradient = no_grad();
        for (long start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = data.Gather(arange(start, Math.Min(start + batchSize, data.Count), dtype: ScalarType.Int64));
            var labels = batch.Labels ?? throw new ArgumentException("Accuracy needs a labelled data set.", nameof(data));
            correct += encoder.Logits(batch.X).argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / data.Count;
    }
}
