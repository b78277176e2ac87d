using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace Research.Framework.Data.Images;

/// <summary>
/// A folder of PNG/JPEG images as training data, the way ADM (openai/guided-diffusion, image_datasets.py) reads
/// ImageNet: each file decoded with SkiaSharp, center-cropped to <see cref="ImageFolderOptions.Resolution"/> by
/// <see cref="AdmCenterCrop"/>, flipped horizontally at random, scaled to [−1, 1] (pixel/127.5 − 1) and laid out
/// (C, H, W). Labels are the class sub-folders (<see cref="ImageFolderIndex"/>, cached). A fraction of each class is
/// held back (<see cref="HeldOut"/>) for evaluation. <see cref="BatchLoader"/> tells it each batch's stream position,
/// so the flip of a sample is a function of the loader's seed and position (a resumed run flips the same samples),
/// and the next batch's indices, which <see cref="ImageFolderOptions.DecodeWorkers"/> threads decode while the
/// current batch trains. A file that stops decoding mid-run is named once and replaced by the next readable sample
/// (or, with SkipBadFiles false, stops the run naming it).
/// </summary>
public sealed class ImageFolder : IStreamingDataset, IClassNames, IDisposable
{
    /// <summary>Separates the flip stream from the epoch permutations that use the same loader seed.</summary>
    const long FlipSalt = 0x5F1F_F11F;

    readonly string root;
    readonly IReadOnlyList<IndexedImage> images;
    readonly IReadOnlyList<IndexedImage> heldOut;
    readonly ConcurrentDictionary<string, bool> reported = new(StringComparer.Ordinal);
    readonly int side, channels;
    Decoding? pending;

    /// <summary>A batch being decoded ahead of its request.</summary>
    sealed record Decoding(long[] Indices, StreamPosition At, Task<byte[]> Work);

    ImageFolder(string root, ImageFolderOptions options, ImageFolderIndex index, IReadOnlyList<IndexedImage> images, IReadOnlyList<IndexedImage> heldOut)
    {
        (this.root, Options, Index, this.images, this.heldOut) = (root, options, index, images, heldOut);
        (side, channels) = (options.Resolution, options.Channels);
        SampleShape = [channels, side, side];
        NumClasses = index.ClassNames.Count > 0 ? index.ClassNames.Count : null;
    }

    /// <summary>
    /// The training split of the folder (every readable image not held back). Unreadable files are listed on the
    /// error stream and skipped, or, with <see cref="ImageFolderOptions.SkipBadFiles"/> false, refused by name.
    /// A missing or empty folder is an <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static ImageFolder Load(ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Directory.Exists(options.Folder))
            throw new ArgumentException($"Dataset.Folder '{options.Folder}' does not exist; give a folder of PNG/JPEG images (one sub-folder per class, or all at the top).");
        var index = ImageFolderIndex.Load(options.Folder, options.Classes, options.CacheFolder);
        if (index.Bad.Count > 0)
        {
            var names = string.Join("; ", index.Bad.Take(20).Select(b => $"{b.Path} ({b.Reason})")) + (index.Bad.Count > 20 ? $"; and {index.Bad.Count - 20} more" : "");
            if (!options.SkipBadFiles)
                throw new ArgumentException($"Dataset.Folder '{options.Folder}' has {index.Bad.Count} unreadable image file(s): {names}. Fix or remove them, or set --Dataset.SkipBadFiles true to skip them.");
            Console.Error.WriteLine($"warning: skipping {index.Bad.Count} unreadable image file(s) in {options.Folder}: {names}");
        }
        if (index.Images.Count == 0)
            throw new ArgumentException($"Dataset.Folder '{options.Folder}' holds no readable image ({string.Join(", ", ImageDecoder.Extensions)}).");
        var (train, held) = Split(index, options.HoldOut);
        return new ImageFolder(Path.GetFullPath(options.Folder), options, index, train, held);
    }

    /// <summary>
    /// Per class, the files ordered by the SHA-256 of their relative path and the first round(fraction · n) of them
    /// held back (at least one when the fraction is positive and the class has two or more files; at least one stays
    /// for training): stable across runs and machines, and balanced over classes.
    /// </summary>
    internal static (List<IndexedImage> Train, List<IndexedImage> HeldOut) Split(ImageFolderIndex index, double fraction)
    {
        var held = new HashSet<IndexedImage>(ReferenceEqualityComparer.Instance);
        foreach (var group in index.Images.GroupBy(i => i.Label))
        {
            var members = group.OrderBy(i => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(i.Path))), StringComparer.Ordinal).ToList();
            int count = (int)Math.Round(fraction * members.Count);
            if (fraction > 0 && members.Count >= 2) count = Math.Max(count, 1);
            count = Math.Min(count, members.Count - 1);
            foreach (var image in members.Take(count)) held.Add(image);
        }
        return (index.Images.Where(i => !held.Contains(i)).ToList(), index.Images.Where(held.Contains).ToList());
    }

    /// <summary>The settings this set was loaded with.</summary>
    public ImageFolderOptions Options { get; }

    /// <summary>The folder's index (all readable files, bad files, class names; whether it came from the cache).</summary>
    public ImageFolderIndex Index { get; }

    /// <summary>The training files, in the order of their sample indices.</summary>
    public IReadOnlyList<IndexedImage> Images => images;

    /// <summary>The held-back images as a data set of their own (same decoding, never flipped), or null when none are held back.</summary>
    public ImageFolder? HeldOut() => heldOut.Count == 0 ? null : new ImageFolder(root, Options, Index, heldOut, []);

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Index.ClassNames;

    /// <inheritdoc />
    public long[] SampleShape { get; }

    /// <inheritdoc />
    public int? NumClasses { get; }

    /// <inheritdoc />
    public long Count => images.Count;

    /// <summary>The samples at <paramref name="indices"/>, unflipped (evaluation, references).</summary>
    public Batch Gather(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var cpu = indices.to_type(ScalarType.Int64).cpu();
        var order = cpu.data<long>().ToArray();
        return ToBatch(Decode(order, null), order);
    }

    /// <inheritdoc />
    public Batch Gather(long[] indices, StreamPosition at)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var ready = Interlocked.Exchange(ref pending, null);
        // The read-ahead is used only when it is exactly this request; its exceptions (a refused file) surface here.
        bool hit = ready is not null && ready.At == at && ready.Indices.AsSpan().SequenceEqual(indices);
        if (hit) ReadAheadsUsed++;
        var bytes = hit ? ready!.Work.GetAwaiter().GetResult() : Decode(indices, at);
        return ToBatch(bytes, indices);
    }

    /// <summary>Batches served from the read-ahead rather than decoded on request (for tests).</summary>
    internal long ReadAheadsUsed { get; private set; }

    /// <inheritdoc />
    public void Prefetch(long[] indices, StreamPosition at)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var copy = (long[])indices.Clone();
        Interlocked.Exchange(ref pending, new Decoding(copy, at, Task.Run(() => Decode(copy, at))));
    }

    Batch ToBatch(byte[] bytes, long[] indices)
    {
        using var scope = NewDisposeScope();
        var x = tensor(bytes, [indices.Length, channels, side, side], ScalarType.Byte).to_type(ScalarType.Float32) / 127.5 - 1;
        var labels = NumClasses is null ? null : tensor(indices.Select(i => (long)images[(int)i].Label).ToArray(), ScalarType.Int64);
        return new Batch(x.MoveToOuterDisposeScope(), labels?.MoveToOuterDisposeScope());
    }

    /// <summary>The samples as bytes (B, C, H, W); flipped by the stream's coin when <paramref name="at"/> is given and flips are on.</summary>
    byte[] Decode(long[] indices, StreamPosition? at)
    {
        int size = channels * side * side;
        var output = new byte[indices.Length * size];
        try
        {
            Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Options.DecodeWorkers }, k => DecodeInto(output, k, indices[k], at));
        }
        catch (AggregateException error) when (error.InnerExceptions.Count >= 1)
        {
            // The first file's own error (which names it), not the wrapper of the parallel loop.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerExceptions[0]).Throw();
        }
        return output;
    }

    /// <summary>Sample <paramref name="index"/> into slot <paramref name="k"/> of the batch, (H, W, C) to (C, H, W), mirrored when its coin says so.</summary>
    void DecodeInto(byte[] output, int k, long index, StreamPosition? at)
    {
        int size = channels * side * side, start = k * size;
        var pixels = Readable(index).Pixels;
        bool flip = at is { } p && Options.RandomFlip && Flips(p, k);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    output[start + (c * side + y) * side + x] = pixels[(y * side + (flip ? side - 1 - x : x)) * channels + c];
    }

    /// <summary>
    /// The coin of sample <paramref name="k"/> of the batch at <paramref name="at"/>: a function of the loader's seed and
    /// stream position only, so a resumed run (and a latent cache that stores both orientations) flips the same samples.
    /// </summary>
    public static bool Flips(StreamPosition at, int k) => (SplitMix.Of(at.Seed ^ FlipSalt, at.Offset + k) & 1) == 1;

    /// <summary>Sample <paramref name="index"/> cropped; if its file no longer decodes, the next sample whose file does (named once on the error stream).</summary>
    PixelImage Readable(long index)
    {
        if (index < 0 || index >= images.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"sample indices run from 0 to {images.Count - 1}");
        for (int tried = 0; tried < images.Count; tried++)
        {
            var file = images[(int)((index + tried) % images.Count)];
            try
            {
                return AdmCenterCrop.Apply(ImageDecoder.Decode(Path.Combine(root, file.Path), channels), side);
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (!Options.SkipBadFiles)
                    throw new InvalidDataException($"image {Path.Combine(root, file.Path)} cannot be read any more: {error.Message} (Dataset.SkipBadFiles is false).", error);
                if (reported.TryAdd(file.Path, true))
                    Console.Error.WriteLine($"warning: skipping unreadable image {Path.Combine(root, file.Path)} ({error.Message}); the next readable sample stands in for it");
            }
        }
        throw new InvalidDataException($"no image of {root} can be read any more.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var last = Interlocked.Exchange(ref pending, null);
        try { last?.Work.Wait(); }
        catch (AggregateException) { }   // a read-ahead nobody asked for: its failure is not this caller's
    }
}
