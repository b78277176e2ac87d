using Research.Framework.Data;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>One slice of a batch and its share of the batch, the weight of its mean loss in the step's gradient.</summary>
/// <param name="Part">The samples of the slice (views of the batch's tensors).</param>
/// <param name="Weight">The slice's size over the batch's size.</param>
public sealed record MicroBatch(Batch Part, double Weight);

/// <summary>
/// Splits a batch into micro-batches of equal size for gradient accumulation. Summing the gradients of
/// Weight·mean(loss over a slice) over the slices gives the gradient of the mean over the whole batch, because
/// every loss term is per sample.
/// </summary>
public static class MicroBatches
{
    /// <summary>
    /// The slices of <paramref name="batch"/> of <paramref name="size"/> samples each (the whole batch with weight 1
    /// when <paramref name="size"/> is null or the batch's size); a size that does not divide the batch is an
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public static IReadOnlyList<MicroBatch> Of(Batch batch, int? size)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long total = batch.X.shape[0];
        if (size is not { } micro || micro == total) return [new MicroBatch(batch, 1.0)];
        if (micro < 1 || total % micro != 0)
            throw new ArgumentException($"MicroBatch {micro} must be ≥ 1 and divide the batch of {total} samples.");
        var parts = new MicroBatch[total / micro];
        for (int i = 0; i < parts.Length; i++)
        {
            long start = i * (long)micro;
            var part = new Batch(batch.X.narrow(0, start, micro), batch.Labels?.narrow(0, start, micro)) { EncoderInput = batch.EncoderInput?.narrow(0, start, micro) };
            parts[i] = new MicroBatch(part, (double)micro / total);
        }
        return parts;
    }
}
