using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Research.Framework.Latents;

/// <summary>
/// Writes a <see cref="LatentCache"/>: shard by shard, each sample's record as the encoder gives it, then the manifest
/// that marks the cache complete, all in a folder of this process's own that is renamed into place at the end: a crash
/// mid-build leaves no cache (the next start rebuilds), and two processes building the same cache (sweep workers)
/// never write into each other's files; the first rename wins and the other opens it.
/// </summary>
public static class LatentCacheWriter
{
    /// <summary>
    /// Encodes the <see cref="LatentCacheHeader.Total"/> samples of <paramref name="expected"/> in batches of
    /// <paramref name="batch"/> into <paramref name="folder"/> (<paramref name="shardSize"/> samples per shard) and
    /// opens the result. <paramref name="records"/>(first, count) returns the samples' records, float32
    /// (count, 2 orientations, 2 moments, C, h, w) on the CPU.
    /// </summary>
    public static LatentCache Build(string folder, LatentCacheHeader expected, long shardSize, int batch, Func<long, int, Tensor> records, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var building = $"{folder}.building-{Environment.ProcessId}";
        if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        Directory.CreateDirectory(building);
        try
        {
            Write(building, expected, shardSize, batch, records, log, folder);
        }
        catch
        {
            Directory.Delete(building, recursive: true);
            throw;
        }
        if (Directory.Exists(folder) && !LatentCache.IsComplete(folder)) Directory.Delete(folder, recursive: true);   // an older, unfinished cache
        try { Directory.Move(building, folder); }
        catch (IOException) when (LatentCache.IsComplete(folder))
        {
            Directory.Delete(building, recursive: true);   // another process finished the same cache first
        }
        return LatentCache.Open(folder, expected);
    }

    static void Write(string folder, LatentCacheHeader expected, long shardSize, int batch, Func<long, int, Tensor> records, Action<string>? log, string destination)
    {
        long total = expected.Total;
        int shards = (int)((total + shardSize - 1) / shardSize);
        var clock = Stopwatch.StartNew();
        long done = 0, nextLog = 0;
        for (int s = 0; s < shards; s++)
        {
            long first = s * shardSize, count = Math.Min(shardSize, total - first);
            var path = LatentCache.ShardPath(folder, s);
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write((expected with { First = first, Count = count }).ToBytes());
                for (long start = first; start < first + count; start += batch)
                {
                    int n = (int)Math.Min(batch, first + count - start);
                    using var scope = NewDisposeScope();
                    var encoded = records(start, n);
                    long[] wanted = [n, 2, 2, .. expected.LatentShape];
                    if (!encoded.shape.SequenceEqual(wanted) || encoded.dtype != ScalarType.Float32)
                        throw new InvalidOperationException($"the latent encoder returned [{string.Join(", ", encoded.shape)}] {encoded.dtype}; the cache needs [{string.Join(", ", wanted)}] Float32.");
                    var values = encoded.cpu().contiguous().data<float>().ToArray();
                    file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                    done += n;
                    if (log is not null && (done >= nextLog || done == total))
                    {
                        log($"latent cache: encoded {done}/{total} images ({done / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F1}/s) → {destination}");
                        nextLog = done + Math.Max(total / 10, 1);
                    }
                }
            }
        }
        LatentCache.WriteManifest(folder, shards, shardSize, total);
    }
}
