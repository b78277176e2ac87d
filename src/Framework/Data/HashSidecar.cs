namespace Research.Framework.Data;

/// <summary>
/// A file's SHA-256 kept beside it in <c>&lt;file&gt;.sha256</c>: the one mechanism by which cached weights (REPA's
/// encoder, the evaluation feature net) prove they are intact before they are loaded.
/// </summary>
public static class HashSidecar
{
    /// <summary>The sidecar's suffix.</summary>
    public const string Suffix = ".sha256";

    /// <summary>Records the SHA-256 of <paramref name="path"/> (computed unless given) and returns it.</summary>
    public static string Write(string path, string? sha256 = null)
    {
        sha256 ??= FileHash.Sha256(path);
        File.WriteAllText(path + Suffix, sha256);
        return sha256;
    }

    /// <summary>The recorded SHA-256, or null when there is no sidecar.</summary>
    public static string? Recorded(string path) => File.Exists(path + Suffix) ? File.ReadAllText(path + Suffix).Trim() : null;

    /// <summary>True when the file and its sidecar exist and the file's SHA-256 is the recorded one.</summary>
    public static bool Matches(string path) =>
        File.Exists(path) && Recorded(path) is { } recorded && string.Equals(recorded, FileHash.Sha256(path), StringComparison.OrdinalIgnoreCase);
}
