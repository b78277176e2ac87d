using static TorchSharp.torch;

namespace Research.Framework.Distributed;

/// <summary>The reductions <see cref="ICommunicator.AllReduce"/> offers.</summary>
public enum ReduceOperation
{
    /// <summary>Element-wise sum over the ranks.</summary>
    Sum,
    /// <summary>Element-wise maximum over the ranks.</summary>
    Max,
}

/// <summary>
/// The collective calls data-parallel training needs, over the processes of one run (its "world"). Every rank must
/// make the same calls in the same order with buffers of the same size and type, as MPI requires. Buffers are
/// contiguous CPU tensors of float32, float64 or int64, reduced or overwritten in place; a device tensor is the caller's
/// to stage through the host (<see cref="FlatBuckets"/> does). A collective that does not complete within the
/// communicator's timeout (a rank died or hangs) is a <see cref="CollectiveTimeoutException"/>.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's index in the world, 0 to <see cref="WorldSize"/> − 1; rank 0 is the one writer.</summary>
    int Rank { get; }

    /// <summary>How many processes train together.</summary>
    int WorldSize { get; }

    /// <summary>What carries the collectives (for the run's log line).</summary>
    string Description { get; }

    /// <summary>Replaces <paramref name="buffer"/> on every rank by the element-wise reduction of every rank's buffer.</summary>
    void AllReduce(Tensor buffer, ReduceOperation operation = ReduceOperation.Sum);

    /// <summary>Overwrites <paramref name="buffer"/> on every rank with rank <paramref name="root"/>'s.</summary>
    void Broadcast(Tensor buffer, int root = 0);

    /// <summary>
    /// Returns when every rank has called it. <paramref name="timeout"/> overrides the communicator's (ranks waiting for
    /// rank 0's evaluation pass <see cref="Timeout.InfiniteTimeSpan"/>: it may take long, and a rank 0 that dies is
    /// still noticed by the launcher, which ends the job).
    /// </summary>
    void Barrier(TimeSpan? timeout = null);
}
