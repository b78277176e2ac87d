using System.Security.Cryptography;

namespace Research.Framework.Evaluation;

/// <summary>SHA-256 of a weights file: the identity of an extractor's weights in an <see cref="EvaluationProtocol"/>.</summary>
internal static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
