using Npgsql;

namespace Research.Framework.Sweeps.Trials;

/// <summary>Opens the trial store a <c>--storage</c> value names: a PostgreSQL URL or connection string, else a SQLite file.</summary>
public static class TrialStores
{
    /// <summary>The SQLite file a sweep uses when no storage is given: <c>&lt;runs&gt;/sweeps.db</c>, next to the run index.</summary>
    public const string DefaultFileName = "sweeps.db";

    /// <summary>
    /// Opens <paramref name="storage"/>: <c>postgresql://user:password@host:port/database</c> (or <c>postgres://</c>),
    /// an Npgsql connection string (<c>Host=…</c>), or else the path of a SQLite file.
    /// </summary>
    public static ITrialStore Open(string storage) =>
        IsPostgres(storage) ? new PostgresTrialStore(PostgresConnectionString(storage)) : new SqliteTrialStore(storage);

    /// <summary>True when <paramref name="storage"/> names a PostgreSQL server rather than a SQLite file.</summary>
    public static bool IsPostgres(string storage) =>
        storage.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || storage.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || storage.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Npgsql connection string for a <c>postgresql://</c> URL (a connection string is returned as it is).</summary>
    public static string PostgresConnectionString(string storage)
    {
        if (storage.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)) return storage;
        if (!Uri.TryCreate(storage, UriKind.Absolute, out var url) || url.Host.Length == 0)
            throw new InvalidSweepException($"--storage '{storage}' is not a PostgreSQL URL; expected postgresql://user[:password]@host[:port]/database.");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        if (url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=') is var equals and > 0 ? (pair[..equals], pair[(equals + 1)..]) : (pair, "");
            try
            {
                builder[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
            }
            catch (ArgumentException error)
            {
                throw new InvalidSweepException($"--storage: the URL option '{key}' is not an Npgsql connection setting ({error.Message}).");
            }
        }
        return builder.ConnectionString;
    }
}
