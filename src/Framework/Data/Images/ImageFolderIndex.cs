using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Research.Framework.Data.Images;

/// <summary>One readable image of the folder: its path relative to the folder, label (−1 when unlabelled) and size.</summary>
public sealed record IndexedImage(string Path, int Label, int Width, int Height);

/// <summary>A file that could not be read, and why.</summary>
public sealed record BadImage(string Path, string Reason);

/// <summary>
/// The files and labels of an image folder, built once by listing the tree and reading every file's header, and cached
/// as JSON under <see cref="ImageFolderOptions.CacheFolder"/> with the hash of the listing (relative names, sizes and
/// modification times): a second start lists the folder again, finds the same hash and reads no image header; any added,
/// removed, resized or touched file changes the hash and rebuilds the index.
/// </summary>
public sealed record ImageFolderIndex(string FolderHash, IReadOnlyList<string> ClassNames, IReadOnlyList<IndexedImage> Images, IReadOnlyList<BadImage> Bad)
{
    const int Version = 1;

    /// <summary>True when this index was read from the cache instead of built (not stored).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool FromCache { get; init; }

    /// <summary>The index of <paramref name="folder"/>, from the cache when its hash matches the folder's listing, else built and cached.</summary>
    public static ImageFolderIndex Load(string folder, bool classes, string cacheFolder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Dataset.Folder '{folder}' does not exist; give a folder of PNG/JPEG images (one sub-folder per class, or all at the top).");
        var files = List(folder);
        string hash = Hash(files, classes);
        string cache = Path.Combine(cacheFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(folder) + (classes ? "|classes" : "|flat")))) + ".json");
        if (Read(cache) is { } cached && cached.FolderHash == hash) return cached with { FromCache = true };
        var index = Build(folder, files, classes, hash);
        Write(cache, index);
        return index;
    }

    /// <summary>Every image file under the folder (hidden files and folders skipped), ordinal order of relative paths with '/' separators.</summary>
    static List<(string Relative, FileInfo Info)> List(string folder)
    {
        var root = new DirectoryInfo(folder);
        var files = new List<(string, FileInfo)>();
        var pending = new Stack<DirectoryInfo>([root]);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in directory.EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.')) continue;
                if (entry is DirectoryInfo sub) pending.Push(sub);
                else if (entry is FileInfo file && ImageDecoder.IsImage(file.Name))
                    files.Add((Path.GetRelativePath(root.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file));
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return files;
    }

    static string Hash(List<(string Relative, FileInfo Info)> files, bool classes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"v{Version}|{classes}\n"));
        foreach (var (relative, info) in files)
            sha.AppendData(Encoding.UTF8.GetBytes($"{relative}|{info.Length}|{info.LastWriteTimeUtc.Ticks}\n"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Labels: with <paramref name="classes"/> and at least one image inside a sub-folder, each top-level sub-folder
    /// holding images is a class (its images found at any depth; images at the top level are then left out as bad
    /// files, since they have no class); otherwise every image, unlabelled. Headers are read in parallel.
    /// </summary>
    static ImageFolderIndex Build(string folder, List<(string Relative, FileInfo Info)> files, bool classes, string hash)
    {
        bool labelled = classes && files.Any(f => f.Relative.Contains('/'));
        var classNames = labelled ? files.Where(f => f.Relative.Contains('/')).Select(f => f.Relative[..f.Relative.IndexOf('/')]).Distinct().ToList() : [];   // already ordinal-sorted
        var labelOf = classNames.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k, StringComparer.Ordinal);
        var results = new (IndexedImage? Image, BadImage? Bad)[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            var (relative, info) = files[i];
            int label = -1;
            if (labelled)
            {
                int slash = relative.IndexOf('/');
                if (slash < 0) { results[i] = (null, new BadImage(relative, "it sits at the top of a folder whose images are in class sub-folders")); return; }
                label = labelOf[relative[..slash]];
            }
            try
            {
                var (width, height) = ImageDecoder.Header(info.FullName);
                results[i] = (new IndexedImage(relative, label, width, height), null);
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                results[i] = (null, new BadImage(relative, error.Message));
            }
        });
        return new ImageFolderIndex(hash, classNames, results.Where(r => r.Image is not null).Select(r => r.Image!).ToList(),
            results.Where(r => r.Bad is not null).Select(r => r.Bad!).ToList());
    }

    sealed record Stored(int Version, string FolderHash, List<string> ClassNames, List<IndexedImage> Images, List<BadImage> Bad);

    static ImageFolderIndex? Read(string cache)
    {
        try
        {
            if (!File.Exists(cache)) return null;
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(cache));
            return stored is { Version: Version } ? new ImageFolderIndex(stored.FolderHash, stored.ClassNames, stored.Images, stored.Bad) : null;
        }
        catch (Exception error) when (error is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;   // an unreadable cache is rebuilt
        }
    }

    static void Write(string cache, ImageFolderIndex index)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            string temporary = $"{cache}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new Stored(Version, index.FolderHash, [.. index.ClassNames], [.. index.Images], [.. index.Bad])));
            File.Move(temporary, cache, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: the image folder index could not be cached at {cache} ({error.Message}); the next start reads the headers again");
        }
    }
}
