namespace Research.Framework.Tracking;

/// <summary>Turns metric keys and host names into file-name parts that are safe on every file system and in URLs.</summary>
internal static class FileNames
{
    /// <summary>Keeps letters, digits, '-' and '_'; everything else (such as the '/' in "eval/loss") becomes '_'.</summary>
    public static string Safe(string text) => string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
