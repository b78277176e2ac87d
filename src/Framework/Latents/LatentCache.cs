using System.IO.MemoryMappedFiles;
using System.Text.Json;
using static TorchSharp.torch;

namespace Research.Framework.Latents;

/// <summary>
/// A folder of latent-cache shards (<c>shard-NNNNN.latents</c>, each a <see cref="LatentCacheHeader"/> and its
/// samples' records) plus <c>manifest.json</c>, written last, that marks the cache complete. Reading memory-maps each
/// shard (the OS pages records in as they are asked for; nothing is loaded whole) and copies one orientation's
/// (mean, std) of each requested sample into a caller's buffer. Every shard's header is checked against the run's
/// expectation when the cache is opened.
/// </summary>
public sealed class LatentCache : IDisposable
{
    /// <summary>The file that marks a complete cache.</summary>
    public const string ManifestName = "manifest.json";

    readonly Shard[] shards;
    readonly long shardSize;

    sealed record Shard(MemoryMappedFile File, MemoryMappedViewAccessor View, LatentCacheHeader Header) : IDisposable
    {
        public void Dispose()
        {
            View.Dispose();
            File.Dispose();
        }
    }

    sealed record Manifest(int Shards, long ShardSize, long Total);

    LatentCache(string folder, LatentCacheHeader expected, Shard[] shards, long shardSize)
    {
        (Folder, Expected, this.shards, this.shardSize) = (folder, expected, shards, shardSize);
    }

    /// <summary>The cache's folder.</summary>
    public string Folder { get; }

    /// <summary>What every shard's header matched (with First and Count of the whole set).</summary>
    public LatentCacheHeader Expected { get; }

    /// <summary>Samples in the cache.</summary>
    public long Count => Expected.Total;

    /// <summary>Values per latent (C·h·w).</summary>
    public int LatentSize => (int)Expected.LatentSize;

    /// <summary>True when <paramref name="folder"/> holds a complete cache (its manifest was written).</summary>
    public static bool IsComplete(string folder) => System.IO.File.Exists(Path.Combine(folder, ManifestName));

    /// <summary>The shard file of index <paramref name="shard"/>.</summary>
    public static string ShardPath(string folder, int shard) => Path.Combine(folder, $"shard-{shard:D5}.latents");

    /// <summary>Marks the cache complete (after every shard is written).</summary>
    internal static void WriteManifest(string folder, int shards, long shardSize, long total) =>
        System.IO.File.WriteAllText(Path.Combine(folder, ManifestName), JsonSerializer.Serialize(new Manifest(shards, shardSize, total)));

    /// <summary>
    /// Opens a complete cache, refusing (naming the shard and what differs) any shard made by another VAE, from other
    /// data or with another layout than <paramref name="expected"/>, and a shard missing or cut short.
    /// </summary>
    public static LatentCache Open(string folder, LatentCacheHeader expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var manifestPath = Path.Combine(folder, ManifestName);
        if (!System.IO.File.Exists(manifestPath)) throw new InvalidDataException($"latent cache {folder} is incomplete (no {ManifestName}); delete it to rebuild.");
        var manifest = JsonSerializer.Deserialize<Manifest>(System.IO.File.ReadAllText(manifestPath))
            ?? throw new InvalidDataException($"{manifestPath} is empty; delete the cache folder to rebuild.");
        if (manifest.Total != expected.Total)
            throw new InvalidDataException($"latent cache {folder} holds {manifest.Total} samples; this run's data has {expected.Total}. Delete the cache folder (it is rebuilt) or point Dataset.LatentCacheFolder elsewhere.");
        var shards = new List<Shard>();
        try
        {
            for (int s = 0; s < manifest.Shards; s++)
            {
                var path = ShardPath(folder, s);
                if (!System.IO.File.Exists(path)) throw new InvalidDataException($"latent cache shard {path} is missing; delete the cache folder to rebuild.");
                var header = LatentCacheHeader.Read(path);
                LatentCacheHeader.Check(expected, header, path);
                long bytes = LatentCacheHeader.DataOffset + header.Count * header.RecordBytes;
                if (new FileInfo(path).Length < bytes || header.First != s * manifest.ShardSize)
                    throw new InvalidDataException($"latent cache shard {path} is cut short or out of place ({new FileInfo(path).Length} bytes for {header.Count} samples from {header.First}); delete the cache folder to rebuild.");
                var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
                shards.Add(new Shard(file, file.CreateViewAccessor(LatentCacheHeader.DataOffset, header.Count * header.RecordBytes, MemoryMappedFileAccess.Read), header));
            }
            if (shards.Sum(s => s.Header.Count) != expected.Total)
                throw new InvalidDataException($"latent cache {folder}'s shards hold {shards.Sum(s => s.Header.Count)} samples, not {expected.Total}; delete it to rebuild.");
            return new LatentCache(folder, expected, [.. shards], manifest.ShardSize);
        }
        catch
        {
            foreach (var shard in shards) shard.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the unscaled (mean, std) of sample <paramref name="index"/> in the orientation <paramref name="flipped"/>
    /// into <paramref name="destination"/> (2·C·h·w floats: the mean, then the std).
    /// </summary>
    public void ReadMoments(long index, bool flipped, float[] destination, int offset)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"latent indices run from 0 to {Count - 1}");
        var shard = shards[index / shardSize];
        long local = index - shard.Header.First;
        int values = 2 * LatentSize;
        long position = local * shard.Header.RecordBytes + (flipped ? values * sizeof(float) : 0);
        int read = shard.View.ReadArray(position, destination, offset, values);
        if (read != values) throw new InvalidDataException($"latent cache {Folder}: sample {index} read {read} of {values} values.");
    }

    /// <summary>
    /// The unscaled latents of the samples at <paramref name="indices"/>, float32 (B, C, h, w) on the CPU: sample k in
    /// its <paramref name="flipped"/>(k) orientation, the posterior's mean, or mean + std·ε with ε ~ N(0, 1) drawn
    /// from a generator seeded with <paramref name="noiseSeed"/> when one is given.
    /// </summary>
    public Tensor ReadLatents(long[] indices, Func<int, bool> flipped, ulong? noiseSeed)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(flipped);
        int n = indices.Length, size = LatentSize;
        var moments = new float[n * 2 * size];
        for (int k = 0; k < n; k++) ReadMoments(indices[k], flipped(k), moments, k * 2 * size);
        using var scope = NewDisposeScope();
        var both = tensor(moments, [n, 2, .. Expected.LatentShape]);
        var mean = both.select(1, 0);
        if (noiseSeed is not { } seed) return mean.contiguous().MoveToOuterDisposeScope();
        using var generator = new Generator(seed, CPU);
        return (mean + both.select(1, 1) * randn(mean.shape, generator: generator)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var shard in shards) shard.Dispose();
    }
}
