using System.Data.Common;
using Microsoft.Data.Sqlite;
using Research.Framework.Tracking;

namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// The trial store in one SQLite file, for the workers of one machine (the default). As the run store's index does:
/// WAL so readers never block the writer, a busy timeout, and every rule in a short <c>BEGIN IMMEDIATE</c> transaction,
/// which takes the database's single write lock up front, so a claim or a numbered insert can never interleave with
/// another (the PostgreSQL store needs row locks for the same). Not for network file systems.
/// </summary>
public sealed class SqliteTrialStore : RelationalTrialStore
{
    const int BusyTimeoutMilliseconds = 5_000;

    /// <summary>Opens (creating when needed) the store in the file <paramref name="databasePath"/>.</summary>
    public SqliteTrialStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSweepException($"cannot create the trial store '{DatabasePath}' ({error.Message}); give --storage (or --runs-dir) a folder this user can write.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // release the file on Dispose
            DefaultTimeout = 60,
        }.ToString());
        try
        {
            connection.Open();
            // A file that is no database fails here, at its first read.
            Pragma(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};");
            // Switching to WAL needs a moment of exclusive access; another worker may be opening the file too.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Pragma(connection, "PRAGMA journal_mode = WAL;");
                    break;
                }
                catch (SqliteException error) when (IsBusy(error) && attempt < 20)
                {
                    Thread.Sleep(Random.Shared.Next(50, 250));
                }
            }
            Pragma(connection, "PRAGMA synchronous = NORMAL;"); // durable across process crashes in WAL mode
            Pragma(connection, "PRAGMA foreign_keys = ON;");
        }
        catch (Exception error) when (Damaged(error) is { } damaged)
        {
            connection.Dispose();
            throw damaged;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        Initialize(connection);
    }

    /// <summary>Why the store in <paramref name="databasePath"/> cannot be used (it cannot be read, or fails a quick integrity check), or null when it is sound.</summary>
    public static string? Damage(string databasePath)
    {
        try
        {
            using var store = new SqliteTrialStore(databasePath);
            using var check = store.Connection.CreateCommand();
            return SqliteFiles.QuickCheck(check);
        }
        catch (TrialStoreDamagedException damaged)
        {
            return damaged.Detail;
        }
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    protected override string Now => "((julianday('now') - 2440587.5) * 86400.0)";

    /// <inheritdoc />
    protected override string IdentityColumn => "INTEGER PRIMARY KEY";

    /// <inheritdoc />
    protected override string ForUpdate => ""; // BEGIN IMMEDIATE already holds the only write lock

    /// <inheritdoc />
    protected override string SkipLocked => "";

    /// <inheritdoc />
    protected override string SchemaLock => "";

    /// <inheritdoc />
    protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <inheritdoc />
    protected override bool IsTransient(Exception error) => error is SqliteException sqlite && IsBusy(sqlite);

    /// <inheritdoc />
    protected override TrialStoreDamagedException? Damaged(Exception error) =>
        SqliteFiles.IsDamage(error) ? new TrialStoreDamagedException(DatabasePath, error.Message, inner: error) : null;

    static bool IsBusy(SqliteException error) => error.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
