using System.Data.Common;
using Microsoft.Data.Sqlite;

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
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
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
        catch
        {
            connection.Dispose();
            throw;
        }
        Initialize(connection);
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

    static bool IsBusy(SqliteException error) => error.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
