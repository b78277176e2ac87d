using System.Globalization;
using System.Text.RegularExpressions;
using Research.Framework.Tracking;

namespace Research.Framework.Dashboard;

/// <summary>
/// The files of a run folder the dashboard may serve: images (and the text of its error and log), only from inside the run folder, itself
/// inside the runs folder. Paths come from URLs (untrusted), so '..', absolute paths, symbolic links and files with a
/// second name (hard links) are refused rather than normalized into somewhere else.
/// </summary>
public static partial class RunFiles
{
    static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
    };

    /// <summary>The content type of a file the dashboard serves, or null for a type it does not serve.</summary>
    public static string? ContentType(string path) => ImageTypes.GetValueOrDefault(Path.GetExtension(path));

    /// <summary>
    /// The full path of <paramref name="relativePath"/> ('/'-separated) inside the run folder
    /// <paramref name="runDirectory"/> (relative to <paramref name="runsFolder"/>, as the index stores it), or null when
    /// it would leave the run folder, goes through a symbolic link, is not a servable image, or does not exist.
    /// </summary>
    public static string? Resolve(string runsFolder, string runDirectory, string relativePath) =>
        ContentType(relativePath) is null ? null : Inside(runsFolder, runDirectory, relativePath);

    /// <summary>
    /// The end of a text file the run folder keeps (<see cref="RunLayout.ErrorFileName"/>, <see cref="RunLayout.LogFileName"/>),
    /// at most <paramref name="maxChars"/> characters (a cut is marked), or null when there is none; the same
    /// containment rules as <see cref="Resolve"/>.
    /// </summary>
    public static string? ReadTail(string runsFolder, string runDirectory, string fileName, int maxChars)
    {
        if (Inside(runsFolder, runDirectory, fileName) is not { } path) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long start = Math.Max(0, stream.Length - 4L * maxChars);   // UTF-8: at most 4 bytes a character
            stream.Position = start;
            var text = new StreamReader(stream).ReadToEnd();
            return text.Length <= maxChars && start == 0 ? text : "…" + text[^Math.Min(maxChars, text.Length)..];
        }
        catch (IOException)
        {
            return null;   // removed or being replaced: the next poll reads it
        }
    }

    /// <summary>The full path of a file inside the run folder, or null when it would leave it, goes through a link, is a hard link, or does not exist.</summary>
    static string? Inside(string runsFolder, string runDirectory, string relativePath)
    {
        if (relativePath.Length == 0 || Path.IsPathRooted(relativePath) || Path.IsPathRooted(runDirectory)) return null;
        var parts = relativePath.Split('/', '\\');
        if (parts.Any(part => part is "" or "." or "..")) return null;
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runsFolder));
        var run = Path.GetFullPath(Path.Combine(root, runDirectory));
        if (!IsInside(root, run)) return null;
        var full = Path.GetFullPath(Path.Combine(run, Path.Combine(parts)));
        if (!IsInside(run, full) || !File.Exists(full)) return null;
        // Every component below the runs folder must be a real directory or file, not a link out of it.
        for (var path = full; path.Length > root.Length; path = Path.GetDirectoryName(path)!)
        {
            FileSystemInfo info = path == full ? new FileInfo(path) : new DirectoryInfo(path);
            if (info.LinkTarget is not null) return null;
        }
        // A second name may be the same file as one outside the runs folder (a planted hard link): refused too.
        return HardLinks.Count(full) is > 1 ? null : full;
    }

    /// <summary>The images a run logged (<c>media/&lt;key&gt;_&lt;step&gt;.png</c>, as the JSONL sink writes them), by key then step.</summary>
    public static IReadOnlyList<MediaFile> Media(string runsFolder, string runDirectory)
    {
        if (Path.IsPathRooted(runDirectory)) return [];
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runsFolder));
        var media = Path.GetFullPath(Path.Combine(root, runDirectory, RunLayout.MediaFolderName));
        if (!IsInside(root, media) || !Directory.Exists(media)) return [];
        return [.. Directory.EnumerateFiles(media)
            .Select(Path.GetFileName)
            .Select(name => MediaName().Match(name!))
            .Where(match => match.Success && ContentType(match.Value) is not null)
            .Select(match => new MediaFile(match.Groups["key"].Value, long.Parse(match.Groups["step"].Value, CultureInfo.InvariantCulture), RunLayout.MediaRelativePath(match.Value)))
            .OrderBy(file => file.Key, StringComparer.Ordinal).ThenBy(file => file.Step)];
    }

    static bool IsInside(string folder, string path) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<key>.+)_(?<step>\d{1,18})\.[A-Za-z]+$")]
    private static partial Regex MediaName();
}

/// <summary>An image of a run: its metric key (made file-name safe), the step it was logged at, and its path in the run folder.</summary>
public sealed record MediaFile(string Key, long Step, string Path);
