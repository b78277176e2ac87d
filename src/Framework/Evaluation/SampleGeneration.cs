using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Draws many samples from a model in batches, reproducibly: the noise comes from one generator seeded with
/// the given seed, and a class-conditional model gets labels balanced across classes (0, 1, …, K − 1, 0, …)
/// so that two evaluations compare like with like.
/// </summary>
public static class SampleGeneration
{
    /// <summary>
    /// <paramref name="count"/> samples of shape <paramref name="sampleShape"/> on the CPU (float32), with their labels
    /// (null for an unconditional model).
    /// </summary>
    public static (Tensor Samples, Tensor? Labels) Generate(Interface model, Sampler sampler, long[] sampleShape, long count, long seed,
        int batchSize = 512, double guidanceScale = 1.0) =>
        Generate(model, sampler, sampleShape, count, seed, new SampleOptions { GuidanceScale = guidanceScale }, batchSize);

    /// <summary>
    /// As above, guided as <paramref name="guidance"/> says (scale, interval, guide model and what it is given); its
    /// labels and noise are replaced by the balanced labels and the seeded generator.
    /// </summary>
    public static (Tensor Samples, Tensor? Labels) Generate(Interface model, Sampler sampler, long[] sampleShape, long count, long seed,
        SampleOptions guidance, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(guidance);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noise = new Generator(unchecked((ulong)seed), model.Device);
        var batches = new List<Tensor>();
        var labels = model.Network.NumClasses is int classes ? arange(count, ScalarType.Int64) % classes : null;
        try
        {
            for (long start = 0; start < count; start += batchSize)
            {
                long size = Math.Min(batchSize, count - start);
                using var scope = NewDisposeScope();
                var x = randn([size, .. sampleShape], model.DType, model.Device, generator: noise);
                var options = guidance with
                {
                    Conditioning = labels is null ? null : new Conditioning(Labels: labels.narrow(0, start, size).to(model.Device)),
                    Generator = noise,
                };
                batches.Add(sampler.Sample(model, x, options).detach().to_type(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
            }
            return (cat(batches), labels);
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }
}
