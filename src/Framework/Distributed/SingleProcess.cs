using static TorchSharp.torch;

namespace Research.Framework.Distributed;

/// <summary>A world of one process: every collective leaves its buffer as it is.</summary>
public sealed class SingleProcess : ICommunicator
{
    /// <summary>The one instance (it holds nothing).</summary>
    public static readonly SingleProcess Instance = new();

    SingleProcess() { }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public string Description => "one process";

    /// <inheritdoc />
    public void AllReduce(Tensor buffer, ReduceOperation operation = ReduceOperation.Sum) { }

    /// <inheritdoc />
    public void Broadcast(Tensor buffer, int root = 0) { }

    /// <inheritdoc />
    public void Barrier(TimeSpan? timeout = null) { }

    /// <inheritdoc />
    public void Dispose() { }
}
