using Research.Framework.Interfaces;
using Research.Framework.Progress;
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
    /// (null for an unconditional model). <paramref name="progress"/>, when given, starts a meter of batches × sampler
    /// steps units (its argument), which every sampler step and every finished batch advances.
    /// </summary>
    public static (Tensor Samples, Tensor? Labels) Generate(Interface model, Sampler sampler, long[] sampleShape, long count, long seed,
        int batchSize = 512, double guidanceScale = 1.0, Func<long, ProgressMeter>? progress = null) =>
        Generate(model, sampler, sampleShape, count, seed, new SampleOptions { GuidanceScale = guidanceScale }, batchSize, progress);

    /// <summary>
    /// As above, guided as <paramref name="guidance"/> says (scale, interval, guide model and what it is given); its
    /// labels and noise are replaced by the balanced labels and the seeded generator.
    /// </summary>
    public static (Tensor Samples, Tensor? Labels) Generate(Interface model, Sampler sampler, long[] sampleShape, long count, long seed,
        SampleOptions guidance, int batchSize = 512, Func<long, ProgressMeter>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(guidance);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var noise = new Generator(unchecked((ulong)seed), model.Device);
        var batches = new List<Tensor>();
        var labels = model.Network.NumClasses is int classes ? arange(count, ScalarType.Int64) % classes : null;
        int batchCount = (int)((count + batchSize - 1) / batchSize);
        var meter = progress?.Invoke((long)batchCount * sampler.Steps);
        try
        {
            for (int batch = 0; batch < batchCount; batch++)
            {
                long start = (long)batch * batchSize, size = Math.Min(batchSize, count - start);
                using var scope = NewDisposeScope();
                var x = randn([size, .. sampleShape], model.DType, model.Device, generator: noise);
                var detail = $"batch {batch + 1}/{batchCount}";
                long before = (long)batch * sampler.Steps;
                var options = guidance with
                {
                    Conditioning = labels is null ? null : new Conditioning(Labels: labels.narrow(0, start, size).to(model.Device)),
                    Generator = noise,
                    Callback = meter is null ? null : step => meter.Report(before + Math.Min(step.Step + 1, sampler.Steps), detail),
                };
                batches.Add(sampler.Sample(model, x, options).detach().to_type(ScalarType.Float32).cpu().MoveToOuterDisposeScope());
                meter?.Report(before + sampler.Steps, detail);
            }
            return (cat(batches), labels);
        }
        finally
        {
            meter?.Finish();
            foreach (var batch in batches) batch.Dispose();
        }
    }
}
