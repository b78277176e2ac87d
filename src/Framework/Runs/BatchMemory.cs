using System.Globalization;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Runs;

/// <summary>
/// The check that a training step's batch fits the memory this process can have, before anything is written: a
/// batch that cannot fit (<c>--BatchSize 100000000</c>) would otherwise die in the allocator after the run folder
/// exists. The estimate is measured, not guessed from the data alone: one forward of <see cref="ProbeSamples"/> samples
/// through the untrained network counts the bytes every leaf module outputs per sample; a step keeps those for the
/// backward pass and makes as much again in gradients, and the functional operations between modules add more, so a
/// step is taken to need <see cref="ActivationFactor"/> times that per sample, plus the data-shaped tensors of the
/// objective (<see cref="SampleCopies"/> copies of a sample) and the parameters with their gradients and AdamW moments.
/// It is compared with MemAvailable (and the cgroup's memory limit where one is set); a step that needs more is a usage
/// error naming BatchSize, the estimate, the limit and <c>--MicroBatch</c>. On a GPU the check is left to the device.
/// </summary>
public static class BatchMemory
{
    /// <summary>The samples of the probing forward pass (its bytes per sample scale linearly with the batch).</summary>
    public const int ProbeSamples = 2;

    /// <summary>Bytes a step holds per byte of module output: the kept activations, their gradients and the functional ops between modules.</summary>
    public const double ActivationFactor = 4;

    /// <summary>Data-shaped tensors per sample in a step (the batch, noise, x_t, target, prediction, their difference and its gradient, the loss terms).</summary>
    public const int SampleCopies = 8;

    /// <summary>Refuses a plan whose training step cannot fit in the memory available (<see cref="InvalidSettingException"/>, exit 2).</summary>
    public static void Check(ExperimentPlan plan)
    {
        if (plan.Model.Device.type != DeviceType.CPU || Estimate(plan) is not { } needed || Available() is not { } limit) return;
        if (needed.Bytes <= limit.Bytes) return;
        var pass = plan.Compute.MicroBatchFor(plan.BatchSize);
        throw new InvalidSettingException($"BatchSize {plan.BatchSize} cannot fit: a training step{(pass < plan.BatchSize ? $" (MicroBatch {pass})" : "")} needs about " +
            $"{Size(needed.Bytes)} ({Size(needed.PerSample)} per sample in a pass, measured on the untrained network) but {Size(limit.Bytes)} is available " +
            $"({limit.Source}). Lower BatchSize, or split each step into passes with --MicroBatch N (N divides BatchSize).");
    }

    /// <summary>What a training step of the plan needs (bytes in all, and per sample of one pass), or null when the network cannot be probed.</summary>
    public static (long Bytes, long PerSample)? Estimate(ExperimentPlan plan)
    {
        var model = plan.Model;
        var network = Trainer.TrainedModule(model);
        var sampleBytes = plan.Dataset.SampleShape.Aggregate(1L, (n, d) => n * d) * model.DType.ElementSize();
        if (ModuleOutputBytes(model, plan.Dataset.SampleShape) is not { } probed) return null;
        long perSample = (long)Math.Ceiling(probed / (double)ProbeSamples * ActivationFactor) + SampleCopies * sampleBytes;
        long parameters = network.parameters().Sum(p => p.NumberOfElements * p.ElementSize);
        double total = (double)plan.Compute.MicroBatchFor(plan.BatchSize) * perSample + (double)plan.BatchSize * sampleBytes + 4.0 * parameters;
        return ((long)Math.Min(total, long.MaxValue), perSample);
    }

    /// <summary>
    /// The bytes the leaf modules output in one forward of <see cref="ProbeSamples"/> zero samples at t = 0.5 (labels 0 for
    /// a conditional network), without gradients, in eval mode and drawing no random numbers, so the run is untouched;
    /// null when the network cannot be called that way.
    /// </summary>
    static long? ModuleOutputBytes(Interface model, long[] sampleShape)
    {
        var network = Trainer.TrainedModule(model);
        bool training = network.training;
        long bytes = 0;
        var hooks = network.modules().Where(m => !m.children().Any()).OfType<nn.Module<Tensor, Tensor>>()
            .Select(m => m.register_forward_hook((_, _, output) =>
            {
                bytes += output.NumberOfElements * output.ElementSize;
                return output;
            })).ToList();
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        try
        {
            network.eval();
            var x = zeros([ProbeSamples, .. sampleShape], model.DType, model.Device);
            var t = full(ProbeSamples, 0.5, model.DType, model.Device);
            var labels = model.Network.NumClasses is null ? null : zeros(ProbeSamples, ScalarType.Int64, model.Device);
            model.Network.Forward(x, t, new Conditioning(Labels: labels));
            return bytes;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or NotSupportedException or System.Runtime.InteropServices.ExternalException)
        {
            return null;
        }
        finally
        {
            foreach (var hook in hooks) hook.remove();
            if (training) network.train();
        }
    }

    /// <summary>The memory this process may still take: MemAvailable, or the cgroup's remaining limit when lower; null when neither can be read.</summary>
    public static (long Bytes, string Source)? Available()
    {
        (long, string)? available = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kilobytes))
                    available = (kilobytes * 1024, "MemAvailable in /proc/meminfo");
            if (ReadNumber("/sys/fs/cgroup/memory.max") is { } max && ReadNumber("/sys/fs/cgroup/memory.current") is { } current
                && (available is null || max - current < available.Value.Item1))
                available = (Math.Max(0, max - current), "the cgroup's memory.max less memory.current");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
        return available;
    }

    static long? ReadNumber(string path) =>
        File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Bytes in binary units, three significant digits.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double value = bytes;
        int unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++) value /= 1024;
        return $"{value.ToString(value < 10 ? "0.##" : value < 100 ? "0.#" : "0", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
