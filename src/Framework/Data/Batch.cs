using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>One batch: samples X (B, ...) and, for labelled sets, int64 labels (B).</summary>
public sealed record Batch(Tensor X, Tensor? Labels);
