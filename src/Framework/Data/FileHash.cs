using System.Security.Cryptography;

namespace Research.Framework.Data;

/// <summary>File digests for caches and evaluation protocols.</summary>
public static class FileHash
{
    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
