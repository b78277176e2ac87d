using System.Globalization;
using TorchSharp;

namespace Research.Framework.Compute;

/// <summary>
/// Where and how a run computes, as flat run-level settings of every experiment (<c>--Threads</c>, <c>--Device</c>,
/// <c>--MicroBatch</c>): the generator lists this record's properties without a group prefix. None of them changes
/// what a run computes, only where and in how many pieces, so a resume may change <see cref="Threads"/>,
/// <see cref="Device"/> and <see cref="MicroBatch"/>. The floating dtype of a run stays <c>Interface.DType</c>; the runner makes it true for the
/// network, EMA tracks, optimizer state and batches as well as the interface's draws. A 16-bit dtype is refused for
/// training (<see cref="Experiments.ExperimentPlan.Validate"/>): without float32 master weights the EMA cannot move.
/// </summary>
public sealed record ComputeSettings
{
    /// <summary>libtorch's intra-op threads (null: the cores available to the process; 1 in a sweep-worker process).</summary>
    public int? Threads { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto (CUDA when the build and the machine have it).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Samples per forward/backward pass; BatchSize must be a multiple (null: the whole batch at once). Gradients are accumulated, so the step is the same.</summary>
    public int? MicroBatch { get; init; }

    /// <summary>The thread count this run uses: <see cref="Threads"/>, or the process's default (<see cref="IntraOpThreads.Default"/>).</summary>
    public int ResolvedThreads => Threads ?? IntraOpThreads.Default;

    /// <summary>The torch device <see cref="Device"/> names; a CUDA device this build or machine lacks is an <see cref="ArgumentException"/> naming the fix.</summary>
    public torch.Device TorchDevice() => DeviceChoice.Resolve(Device);

    /// <summary>The micro-batch size for <paramref name="batchSize"/> samples (the whole batch when unset).</summary>
    public int MicroBatchFor(int batchSize) => MicroBatch ?? batchSize;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the bad setting and its valid values.</summary>
    public void Validate(int batchSize)
    {
        if (Threads is < 1)
            throw new ArgumentException($"Threads must be ≥ 1 (or null: the {IntraOpThreads.Default} core(s) available to this process), got {Threads}.");
        if (MicroBatch is { } micro && (micro < 1 || batchSize % micro != 0))
            throw new ArgumentException($"MicroBatch {micro} must be ≥ 1 and divide BatchSize {batchSize} (or null: the whole batch in one pass).");
        TorchDevice();
    }

    /// <summary>What config.json records under "compute": the resolved values.</summary>
    public IReadOnlyDictionary<string, string> Resolved(int batchSize) => new Dictionary<string, string>
    {
        ["threads"] = ResolvedThreads.ToString(CultureInfo.InvariantCulture),
        ["device"] = TorchDevice().ToString(),
        ["micro_batch"] = MicroBatchFor(batchSize).ToString(CultureInfo.InvariantCulture),
        ["backend"] = TorchBackend.Name,
    };
}
