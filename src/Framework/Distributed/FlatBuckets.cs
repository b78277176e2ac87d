using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Distributed;

/// <summary>
/// A fixed list of tensors (gradients, weights) packed into a few flat CPU buffers of one type each, at most
/// <see cref="BucketBytes"/> per buffer unless one tensor alone is larger, so a collective runs once per bucket instead
/// of once per tensor (as DDP's buckets). The buffers are allocated once and reused every step.
/// </summary>
public sealed class FlatBuckets : IDisposable
{
    /// <summary>DDP's default bucket size, 25 MiB.</summary>
    public const long DefaultBucketBytes = 25L << 20;

    sealed record Bucket(Tensor Buffer, int[] Members, long[] Offsets);

    readonly Bucket[] buckets;
    readonly long[][] shapes;

    /// <summary>Plans the buckets for tensors shaped and typed as <paramref name="like"/> (in that order).</summary>
    public FlatBuckets(IReadOnlyList<Tensor> like, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentNullException.ThrowIfNull(like);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, 1);
        BucketBytes = bucketBytes;
        shapes = like.Select(t => t.shape).ToArray();
        var planned = new List<Bucket>();
        foreach (var group in Enumerable.Range(0, like.Count).GroupBy(i => like[i].dtype))
        {
            var members = new List<int>();
            long bytes = 0;
            foreach (int i in group)
            {
                long size = like[i].numel() * like[i].ElementSize;
                if (members.Count > 0 && bytes + size > bucketBytes) { planned.Add(Plan(members, like)); members.Clear(); bytes = 0; }
                members.Add(i);
                bytes += size;
            }
            if (members.Count > 0) planned.Add(Plan(members, like));
        }
        buckets = planned.ToArray();
        Bytes = buckets.Sum(b => b.Buffer.numel() * b.Buffer.ElementSize);
    }

    /// <summary>The most bytes a bucket holds (one larger tensor gets a bucket of its own).</summary>
    public long BucketBytes { get; }

    /// <summary>How many buckets (collectives per pass).</summary>
    public int Count => buckets.Length;

    /// <summary>The bytes of all buckets: what one pass sends through the collectives.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Copies <paramref name="tensors"/> into the buckets (a null one as zeros), runs <paramref name="collective"/> on
    /// each bucket, and copies the result back into the tensors that are not null.
    /// </summary>
    public void Apply(IReadOnlyList<Tensor?> tensors, Action<Tensor> collective)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(collective);
        if (tensors.Count != shapes.Length) throw new ArgumentException($"the buckets were planned for {shapes.Length} tensors, got {tensors.Count}.", nameof(tensors));
        using var noGradient = no_grad();
        foreach (var bucket in buckets)
        {
            using var scope = NewDisposeScope();
            for (int k = 0; k < bucket.Members.Length; k++)
            {
                var part = Part(bucket, k);
                if (tensors[bucket.Members[k]] is { } tensor) part.copy_(tensor.reshape(-1));
                else part.zero_();
            }
            collective(bucket.Buffer);
            for (int k = 0; k < bucket.Members.Length; k++)
                if (tensors[bucket.Members[k]] is { } tensor) tensor.copy_(Part(bucket, k).view(shapes[bucket.Members[k]]));
        }
    }

    Tensor Part(Bucket bucket, int k)
    {
        long count = shapes[bucket.Members[k]].Aggregate(1L, (a, b) => a * b);
        return bucket.Buffer.narrow(0, bucket.Offsets[k], count);
    }

    static Bucket Plan(List<int> members, IReadOnlyList<Tensor> like)
    {
        var offsets = new long[members.Count];
        long total = 0;
        for (int k = 0; k < members.Count; k++)
        {
            offsets[k] = total;
            total += like[members[k]].numel();
        }
        var buffer = zeros([total], like[members[0]].dtype, CPU).DetachFromDisposeScope();
        return new Bucket(buffer, members.ToArray(), offsets);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var bucket in buckets) bucket.Buffer.Dispose();
    }
}
