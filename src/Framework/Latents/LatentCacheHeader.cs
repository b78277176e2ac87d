using System.Text;
using System.Text.Json;

namespace Research.Framework.Latents;

/// <summary>
/// What a latent-cache shard holds, written at its start: which VAE made it (the SHA-256 of its weights file and its
/// config), which data (<see cref="DataHash"/>: the folder listing, resolution and split), where the shard's samples
/// fall (<see cref="First"/>, <see cref="Count"/> of <see cref="Total"/>) and the layout of each sample's record:
/// float32 [orientation (original, flipped)] [moment (mean, std)] [C, h, w] = 4·C·h·w values, unscaled (before the
/// VAE's shift and scaling factor). A reader refuses a shard whose header differs from what the run expects.
/// </summary>
public sealed record LatentCacheHeader(string VaeHash, string VaeConfig, string DataHash, long[] LatentShape, long Total, long First, long Count)
{
    /// <summary>The shard file's first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "RLATENT1"u8;

    /// <summary>The layout this code reads and writes.</summary>
    public const string CurrentLayout = "float32 [sample][orientation: original, flipped][moment: mean, std][C, h, w]";

    /// <summary>Where the records start: the header is padded to one page, so records are page-aligned in the mapping.</summary>
    public const int DataOffset = 4096;

    /// <summary>The record layout (checked on read).</summary>
    public string Layout { get; init; } = CurrentLayout;

    /// <summary>Values per latent (C·h·w).</summary>
    public long LatentSize => LatentShape.Aggregate(1L, (n, d) => n * d);

    /// <summary>Bytes per sample record: two orientations × (mean, std) × C·h·w float32.</summary>
    public long RecordBytes => 4 * LatentSize * sizeof(float);

    /// <summary>The header bytes, padded to <see cref="DataOffset"/>.</summary>
    public byte[] ToBytes()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(this);
        if (Magic.Length + sizeof(int) + json.Length > DataOffset)
            throw new InvalidOperationException($"latent cache header of {json.Length} bytes does not fit {DataOffset}.");
        var bytes = new byte[DataOffset];
        Magic.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(Magic.Length), json.Length);
        json.CopyTo(bytes, Magic.Length + sizeof(int));
        return bytes;
    }

    /// <summary>The header at the start of <paramref name="path"/>; a file that is not a shard is named as such.</summary>
    public static LatentCacheHeader Read(string path)
    {
        var bytes = new byte[DataOffset];
        using (var file = File.OpenRead(path))
            if (file.ReadAtLeast(bytes, DataOffset, throwOnEndOfStream: false) < DataOffset || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not a latent cache shard (no {Encoding.ASCII.GetString(Magic)} header); delete it to rebuild the cache.");
        int length = BitConverter.ToInt32(bytes, Magic.Length);
        try
        {
            return JsonSerializer.Deserialize<LatentCacheHeader>(bytes.AsSpan(Magic.Length + sizeof(int), length))
                ?? throw new InvalidDataException($"{path} has an empty latent cache header.");
        }
        catch (Exception error) when (error is JsonException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{path} has an unreadable latent cache header ({error.Message}); delete it to rebuild the cache.", error);
        }
    }

    /// <summary>
    /// Refuses <paramref name="found"/> (read from <paramref name="path"/>) when it was made by another VAE, from other
    /// data, or holds another layout or shape than <paramref name="expected"/>, naming what differs.
    /// </summary>
    public static void Check(LatentCacheHeader expected, LatentCacheHeader found, string path)
    {
        var differences = new List<string>();
        if (found.VaeHash != expected.VaeHash) differences.Add($"VAE weights SHA-256 {found.VaeHash} (this run's: {expected.VaeHash})");
        if (found.VaeConfig != expected.VaeConfig) differences.Add($"VAE config {found.VaeConfig} (this run's: {expected.VaeConfig})");
        if (found.DataHash != expected.DataHash) differences.Add($"data hash {found.DataHash} (this run's: {expected.DataHash})");
        if (found.Layout != expected.Layout) differences.Add($"layout '{found.Layout}' (this code reads '{expected.Layout}')");
        if (!found.LatentShape.SequenceEqual(expected.LatentShape)) differences.Add($"latent shape [{string.Join(", ", found.LatentShape)}] (expected [{string.Join(", ", expected.LatentShape)}])");
        if (found.Total != expected.Total) differences.Add($"{found.Total} samples (expected {expected.Total})");
        if (differences.Count > 0)
            throw new InvalidDataException($"latent cache shard {path} does not belong to this run: it has {string.Join("; ", differences)}. " +
                "Delete the cache folder (it is rebuilt) or point Dataset.LatentCacheFolder elsewhere.");
    }
}
