using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Compute;

/// <summary>
/// Where and how a run computes, as flat run-level settings of every experiment (<c>--Threads</c>, <c>--Device</c>,
/// <c>--MicroBatch</c>, <c>--Precision</c>): the generator lists this record's properties without a group prefix. None of
/// them changes what a run computes beyond rounding, only where, in how many pieces and in how many bits, so a resume
/// may change <see cref="Threads"/>, <see cref="Device"/>, <see cref="MicroBatch"/> and <see cref="Precision"/>. The
/// floating dtype of a run stays <c>Interface.DType</c> (the interface's draws, the batches, the master weights, AdamW's
/// state and the EMA tracks); <see cref="Precision"/> bf16 puts only the network's weights and passes in bfloat16
/// (<see cref="Training.MasterWeights"/>). A 16-bit <c>Interface.DType</c> is refused for training
/// (<see cref="Experiments.ExperimentPlan.Validate"/>): without master weights the EMA cannot move.
/// </summary>
public sealed record ComputeSettings
{
    /// <summary>libtorch's intra-op threads (null: the cores available to the process; 1 in a sweep-worker process).</summary>
    public int? Threads { get; init; }

    /// <summary>cpu, cuda, cuda:N or auto (CUDA when the build and the machine have it).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Samples per forward/backward pass; BatchSize must be a multiple (null: the whole batch at once). Gradients are accumulated, so the step is the same.</summary>
    public int? MicroBatch { get; init; }

    /// <summary>
    /// fp32: the network computes in the interface's type. bf16: mixed precision, the network's weights and its
    /// forward and backward passes in bfloat16, with master weights, AdamW and the EMA tracks in the interface's type.
    /// </summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>The type the network's weights are cast to, or null when it computes in the interface's type.</summary>
    public ScalarType? NetworkDType => Precision == "bf16" ? ScalarType.BFloat16 : null;

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
        if (Precision == "fp16")
            throw new ArgumentException("Precision fp16 is not supported: float16's 5-bit exponent needs loss scaling (a GradScaler), which this build lacks. " +
                "Use bf16 (the same 16-bit passes with float32's exponent range) or fp32.");
        if (Precision is not ("fp32" or "bf16"))
            throw new ArgumentException($"Precision must be fp32 or bf16, got '{Precision}'.");
        TorchDevice();
    }

    /// <summary>What config.json records under "compute": the resolved values.</summary>
    public IReadOnlyDictionary<string, string> Resolved(int batchSize) => new Dictionary<string, string>
    {
        ["threads"] = ResolvedThreads.ToString(CultureInfo.InvariantCulture),
        ["device"] = TorchDevice().ToString(),
        ["micro_batch"] = MicroBatchFor(batchSize).ToString(CultureInfo.InvariantCulture),
        ["backend"] = TorchBackend.Name,
        ["precision"] = Precision,
    };
}
