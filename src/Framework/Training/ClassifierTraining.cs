using Research.Framework.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>
/// Trains a small classifier with cross-entropy on a labelled indexed data set and measures its accuracy: the one
/// routine behind the offline feature nets (REPA's encoder, the Fashion-MNIST evaluation features).
/// </summary>
public static class ClassifierTraining
{
    /// <summary>
    /// Fits <paramref name="model"/> (whose logits <paramref name="logits"/> computes) for <c>options.Steps</c> AdamW steps
    /// on seeded shuffled batches; leaves it in eval mode. <paramref name="onStep"/> sees (step, loss).
    /// </summary>
    public static void Train(nn.Module model, Func<Tensor, Tensor> logits, IIndexedDataset data, ClassifierTrainingOptions options,
        Action<int, double>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = options.BatchSize, Seed = options.Seed });
        using var optimizer = optim.AdamW(model.parameters(), options.LearningRate);
        model.train();
        for (int step = 1; step <= options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = loader.Next();
            var labels = batch.Labels ?? throw new ArgumentException("Training a classifier needs a labelled data set.", nameof(data));
            var loss = nn.functional.cross_entropy(logits(batch.X), labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            onStep?.Invoke(step, loss.item<float>());
        }
        model.eval();
    }

    /// <summary>The fraction of the first <paramref name="limit"/> samples (all when null) whose arg-max logit is the label.</summary>
    public static double Accuracy(Func<Tensor, Tensor> logits, IIndexedDataset data, long? limit = null, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(data);
        long count = Math.Min(limit ?? data.Count, data.Count);
        long correct = 0;
        using var noGradient = no_grad();
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = data.Gather(arange(start, Math.Min(start + batchSize, count), dtype: ScalarType.Int64));
            var labels = batch.Labels ?? throw new ArgumentException("Accuracy needs a labelled data set.", nameof(data));
            correct += logits(batch.X).argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / count;
    }
}
