using Research.Framework.Data;
using Research.Framework.Distributed;
using Research.Framework.Interfaces;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>
/// What the <see cref="Trainer"/> does differently when several ranks train one model (a world of more than one
/// process, <see cref="ICommunicator"/>), so that W ranks each on B/W samples take the steps one process takes on B:
/// <list type="bullet">
/// <item>the same initial weights everywhere (rank 0's, broadcast);</item>
/// <item>every rank draws the same global batch from the seeded loader (so the order and the saved position are a
/// single process's, whatever the world size) and trains on its slice, rank r on samples [r·B/W, (r+1)·B/W);</item>
/// <item>the interface's draws for the slice are the slice of the global batch's draws (<see cref="DrawShard"/>), from
/// the streams as they were at the step's start for every micro-batch, so times, noise and label drops are those a
/// single process draws for the same samples and the streams end the step where a single process's do;</item>
/// <item>the gradients (of each rank's mean loss) are averaged by an all-reduce over flat buckets
/// (<see cref="FlatBuckets"/>), which gives every rank the gradient of the global batch's mean: clipping then sees the
/// global norm, and AdamW and the EMA tracks take the same step on every rank;</item>
/// <item>the logged loss terms are means over the ranks; a stop request on any rank stops all at the same step.</item>
/// </list>
/// </summary>
sealed class DataParallel : IDisposable
{
    readonly ICommunicator world;
    readonly FlatBuckets gradients;
    readonly IReadOnlyList<(string Name, Generator Generator)> streams;
    readonly Tensor[] stepStart;
    Slice? slice;

    sealed record Slice(long Offset, long Total);

    DataParallel(ICommunicator world, IReadOnlyList<Parameter> parameters, IReadOnlyList<(string Name, Generator Generator)> streams)
    {
        this.world = world;
        this.streams = streams;
        gradients = new FlatBuckets(parameters);
        stepStart = new Tensor[streams.Count];
    }

    /// <summary>The data-parallel part of a trainer in <paramref name="world"/>, or null for a world of one process.</summary>
    public static DataParallel? In(ICommunicator? world, IReadOnlyList<Parameter> parameters, IReadOnlyList<(string Name, Generator Generator)> streams) =>
        world is { WorldSize: > 1 } ? new DataParallel(world, parameters, streams) : null;

    /// <summary>The world.</summary>
    public ICommunicator World => world;

    /// <summary>Overwrites every rank's weights with rank 0's.</summary>
    public void BroadcastWeights(MasterWeights masters)
    {
        using var buckets = new FlatBuckets(masters.All);
        buckets.Apply(masters.All, buffer => world.Broadcast(buffer));
        masters.CopyToWeights();
    }

    /// <summary>
    /// This rank's slice of the global <paramref name="batch"/>, and the start of a step: the streams' positions are
    /// noted for <see cref="DrawsFor"/>. A batch that the world size does not divide is an <see cref="ArgumentException"/>.
    /// </summary>
    public Batch Shard(Batch batch)
    {
        long total = batch.X.shape[0];
        if (total % world.WorldSize != 0)
            throw new ArgumentException($"BatchSize {total} must be divisible by the number of processes ({world.WorldSize}): each rank trains on BatchSize / {world.WorldSize} samples.");
        long local = total / world.WorldSize, offset = world.Rank * local;
        for (int i = 0; i < streams.Count; i++)
        {
            stepStart[i]?.Dispose();
            stepStart[i] = streams[i].Generator.get_state().DetachFromDisposeScope();
        }
        slice = new Slice(offset, total);
        return MicroBatches.Of(batch, (int)local)[world.Rank].Part;   // the rank's slice, cut as micro-batches are (every per-sample tensor of the batch)
    }

    /// <summary>
    /// Until disposed, the interface's draws are those of samples [<paramref name="offset"/>, +<paramref name="count"/>)
    /// of this rank's slice within the global batch, drawn from the streams as they were at the step's start.
    /// </summary>
    public IDisposable DrawsFor(long offset, long count)
    {
        var step = slice ?? throw new InvalidOperationException("DrawsFor comes after Shard.");
        for (int i = 0; i < streams.Count; i++) streams[i].Generator.set_state(stepStart[i]);
        return DrawShard.Enter(new DrawShard.Slice(step.Offset + offset, count, step.Total));
    }

    /// <summary>Replaces each gradient by its mean over the ranks (one all-reduce per bucket).</summary>
    public void AverageGradients(IReadOnlyList<Parameter> parameters)
    {
        double ranks = world.WorldSize;
        gradients.Apply(parameters.Select(p => p.grad).ToArray(), buffer =>
        {
            world.AllReduce(buffer);
            buffer.div_(ranks);
        });
    }

    /// <summary>
    /// After rank 0 ran hooks or wrote a checkpoint: the other ranks wait for it however long it takes (a rank 0 that
    /// dies is noticed by the launcher), rank 0 keeps the timeout (a rank that hangs is not waited for).
    /// </summary>
    public void WaitForWriter() => world.Barrier(world.Rank == 0 ? null : Timeout.InfiniteTimeSpan);

    /// <summary>Whether any rank was asked to stop (every rank calls it at every step, so all stop at the same one).</summary>
    public bool AnyCancelled(bool cancelled)
    {
        using var flag = tensor(new[] { cancelled ? 1L : 0L });
        world.AllReduce(flag, ReduceOperation.Max);
        return flag.item<long>() != 0;
    }

    /// <summary>Means over the ranks of <paramref name="values"/> (every rank passes the same keys).</summary>
    public Dictionary<string, double> Mean(IReadOnlyDictionary<string, double> values)
    {
        var keys = values.Keys.Order(StringComparer.Ordinal).ToArray();
        using var buffer = tensor(keys.Select(k => values[k]).ToArray(), ScalarType.Float64);
        world.AllReduce(buffer);
        var sums = buffer.data<double>().ToArray();
        var means = keys.Select((k, i) => (k, sums[i] / world.WorldSize)).ToDictionary(e => e.k, e => e.Item2);
        return values.Keys.ToDictionary(k => k, k => means[k]);   // in the caller's order
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var state in stepStart) state?.Dispose();
        gradients.Dispose();
    }
}
