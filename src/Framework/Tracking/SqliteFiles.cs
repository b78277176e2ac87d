using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Research.Framework.Tracking;

/// <summary>
/// What the runs folder's SQLite files (the run index runs.db, the trial store sweeps.db) share when one is damaged: how
/// to tell damage from other errors, a quick integrity check, and moving the file aside (with its WAL and shared-memory
/// files) so a new one can be rebuilt from the run folders while the damaged one stays for inspection.
/// </summary>
public static class SqliteFiles
{
    /// <summary>True for SQLite's "file is not a database" (SQLITE_NOTADB) and "database disk image is malformed" (SQLITE_CORRUPT).</summary>
    public static bool IsDamage(Exception error) => error is SqliteException { SqliteErrorCode: 11 or 26 };

    /// <summary>Why <c>PRAGMA quick_check</c> fails, run through <paramref name="check"/> (a command of the open connection), or null when it passes.</summary>
    public static string? QuickCheck(DbCommand check)
    {
        check.CommandText = "PRAGMA quick_check;";
        var verdict = Convert.ToString(check.ExecuteScalar(), CultureInfo.InvariantCulture);
        return string.Equals(verdict, "ok", StringComparison.OrdinalIgnoreCase) ? null : $"failed its integrity check ({verdict})";
    }

    /// <summary>Moves <paramref name="path"/> (and its -wal and -shm files) to <c>PATH.damaged-&lt;UTC time&gt;</c>; returns that path.</summary>
    public static string MoveAside(string path)
    {
        var aside = $"{path}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
        return aside;
    }
}
