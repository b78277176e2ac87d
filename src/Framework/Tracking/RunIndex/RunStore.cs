using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>
/// The SQLite index of the local run store, <c>&lt;runs&gt;/runs.db</c>: runs, their configs, metrics, summaries and
/// sweeps, for the dashboard to query. The run folders stay the record of truth (<see cref="Rebuild"/> regenerates
/// the index from them). WAL mode, a busy timeout and short <c>BEGIN IMMEDIATE</c> transactions retried on
/// <c>SQLITE_BUSY</c> make it safe for several processes (sweep workers) writing at once. One instance holds one
/// connection and serializes its callers; open one per process or thread for concurrency.
/// A sweep is recorded in its trial store (<c>sweeps.db</c> or PostgreSQL: definition, objective, trials, outcomes),
/// which owns it; the <c>sweeps</c> table here is only the dashboard's card of it, filed by the sweep command from the
/// trial store's record and never read back by sweeps, and a run's sweep comes from the <c>sweep_id</c> of its
/// config.json like every other run fact. An evaluation sweep (<c>eval RUN-DIR --sweep</c>) has no trial store and no
/// run folders: its card and its trials (<c>sweep_trials</c>) are filed from its record in the trained run's folder
/// (<see cref="EvalSweepCard"/>) and re-filed by <see cref="Rebuild"/>.
/// </summary>
public sealed partial class RunStore : IDisposable
{
    /// <summary>The index file's name inside the runs folder.</summary>
    public const string FileName = RunLayout.IndexFileName;

    /// <summary>The schema version this code writes (see <see cref="Migrations"/>).</summary>
    public const int SchemaVersion = 3;

    const int BusyTimeoutMilliseconds = 5_000;
    static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(60);

    readonly SqliteConnection connection;
    readonly Lock gate = new();

    /// <summary>Opens (creating and migrating when needed) the index at <paramref name="databasePath"/>.</summary>
    public RunStore(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // release the file on Dispose (tests delete their folders; rebuilds replace the file)
            DefaultTimeout = (int)RetryBudget.TotalSeconds,
        }.ToString());
        try
        {
            connection.Open();
            Retry(() => Execute($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};"));
            // Switching to WAL needs a moment of exclusive access; another process may be doing the same.
            Retry(() =>
            {
                using var command = Command("PRAGMA journal_mode = WAL;");
                var mode = (string?)command.ExecuteScalar();
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"SQLite refused WAL mode for '{DatabasePath}' (journal_mode is '{mode}').");
            });
            Execute("PRAGMA synchronous = NORMAL;"); // durable across process crashes in WAL mode; cheap commits
            // Migrations run with foreign keys off (SQLite's bundled build turns them on by default): one that rebuilds
            // runs must not cascade into its metrics. The pragma is a no-op inside a transaction, so it is set here.
            Execute("PRAGMA foreign_keys = OFF;");
            Migrate();
            Execute("PRAGMA foreign_keys = ON;");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens the index of the runs folder <paramref name="runsFolder"/> (<c>&lt;runs&gt;/runs.db</c>).</summary>
    public static RunStore Open(string runsFolder) => new(RunLayout.IndexPath(runsFolder));

    /// <summary>The runs folder that holds the run folder <paramref name="runDirectory"/> (<c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>: its grandparent, also for a run resumed from elsewhere), or null at the file system's root.</summary>
    public static string? RunsFolderOf(string runDirectory) =>
        Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory))));

    /// <summary>
    /// The runs folder of <paramref name="runDirectory"/> when it has an index, else null: a run folder copied elsewhere,
    /// or trained without the index sink, makes none (the dashboard builds a missing index from the folders).
    /// </summary>
    public static string? IndexedRunsFolderOf(string runDirectory) =>
        RunsFolderOf(runDirectory) is { } runsFolder && File.Exists(RunLayout.IndexPath(runsFolder)) ? runsFolder : null;

    /// <summary>The index file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// The schema, one step per version: step i takes a database at version i to version i + 1. Append steps;
    /// never edit a released one.
    /// </summary>
    static readonly string[] Migrations =
    [
        """
        CREATE TABLE sweeps (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            config TEXT,
            created REAL NOT NULL
        );
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            experiment TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'crashed')),
            started REAL,
            finished REAL,
            exit_code INTEGER,
            run_dir TEXT,
            config TEXT,
            sweep_id TEXT,
            heartbeat REAL
        );
        CREATE INDEX runs_by_experiment ON runs (experiment, started);
        CREATE INDEX runs_by_status ON runs (status, started);
        CREATE INDEX runs_by_sweep ON runs (sweep_id);
        CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            PRIMARY KEY (run_id, key, step)
        ) WITHOUT ROWID;
        CREATE TABLE summary (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value REAL,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        """,
        // 2: the 'stopped' status (a run stopped on request, exit code 130, was 'failed'). SQLite cannot change a CHECK
        // in place, so the table is rebuilt (SQLite's documented procedure, foreign keys off) and stopped runs relabelled.
        """
        CREATE TABLE runs_v2 (
            id TEXT PRIMARY KEY,
            experiment TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'crashed', 'stopped')),
            started REAL,
            finished REAL,
            exit_code INTEGER,
            run_dir TEXT,
            config TEXT,
            sweep_id TEXT,
            heartbeat REAL
        );
        INSERT INTO runs_v2 (id, experiment, name, status, started, finished, exit_code, run_dir, config, sweep_id, heartbeat)
            SELECT id, experiment, name, CASE WHEN status = 'failed' AND exit_code = 130 THEN 'stopped' ELSE status END,
                started, finished, exit_code, run_dir, config, sweep_id, heartbeat FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v2 RENAME TO runs;
        CREATE INDEX runs_by_experiment ON runs (experiment, started);
        CREATE INDEX runs_by_status ON runs (status, started);
        CREATE INDEX runs_by_sweep ON runs (sweep_id);
        """,
        // 3: the trials of sweep cards that have no run folders (evaluation sweeps: one trial per evaluated point).
        """
        CREATE TABLE sweep_trials (
            sweep_id TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            parameters TEXT NOT NULL,
            value REAL,
            run_id TEXT,
            PRIMARY KEY (sweep_id, number)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The version the database is at (the row of the <c>schema_version</c> table).</summary>
    public int Version
    {
        get
        {
            lock (gate)
            {
                using var command = Command("SELECT version FROM schema_version;");
                return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
        }
    }

    void Migrate() => Write(transaction =>
    {
        Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", transaction);
        using var read = Command("SELECT version FROM schema_version;", transaction);
        var current = read.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : -1;
        if (current < 0)
        {
            Execute("INSERT INTO schema_version (version) VALUES (0);", transaction);
            current = 0;
        }
        if (current > SchemaVersion)
            throw new InvalidOperationException($"'{DatabasePath}' has schema version {current}, newer than this code's {SchemaVersion}; update the code or rebuild the index.");
        for (var version = current; version < SchemaVersion; version++)
            Execute(Migrations[version], transaction);
        Execute($"UPDATE schema_version SET version = {SchemaVersion};", transaction);
    });

    /// <summary>Creates or restarts a run (a resumed run goes back to running and keeps its metrics).</summary>
    public void StartRun(RunRecord run) => Write(transaction =>
    {
        using var command = Command("""
            INSERT INTO runs (id, experiment, name, status, started, finished, exit_code, run_dir, config, sweep_id, heartbeat)
            VALUES ($id, $experiment, $name, 'running', $started, NULL, NULL, $run_dir, $config, $sweep_id, $now)
            ON CONFLICT (id) DO UPDATE SET
                experiment = excluded.experiment, name = excluded.name, status = 'running', finished = NULL, exit_code = NULL,
                started = coalesce(runs.started, excluded.started), run_dir = excluded.run_dir, config = excluded.config,
                sweep_id = excluded.sweep_id, heartbeat = excluded.heartbeat;
            """, transaction);
        command.Parameters.AddWithValue("$id", run.Id);
        command.Parameters.AddWithValue("$experiment", run.Experiment);
        command.Parameters.AddWithValue("$name", run.Name);
        command.Parameters.AddWithValue("$started", Seconds(run.Started));
        command.Parameters.AddWithValue("$run_dir", (object?)run.RunDirectory ?? DBNull.Value);
        command.Parameters.AddWithValue("$config", (object?)run.ConfigJson ?? DBNull.Value);
        command.Parameters.AddWithValue("$sweep_id", (object?)run.SweepId ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Seconds(DateTimeOffset.UtcNow));
        command.ExecuteNonQuery();
    });

    /// <summary>
    /// Adds metric values in one transaction (a value logged again at the same run, key and step replaces the old
    /// one, so replays are idempotent) and refreshes the run's heartbeat.
    /// </summary>
    public void AddMetrics(string runId, IReadOnlyCollection<(string Key, long Step, double Value)> values) => Write(transaction =>
    {
        InsertMetrics(runId, values, transaction);
        Touch(runId, transaction);
    });

    /// <summary>
    /// Deletes run <paramref name="runId"/>'s metric rows after <paramref name="step"/> (a resume from the checkpoint at
    /// that step logs them again, as metrics.jsonl is cut back); returns how many.
    /// </summary>
    public int DeleteMetricsAfter(string runId, long step) => Write(transaction =>
    {
        using var command = Command("DELETE FROM metrics WHERE run_id = $run AND step > $step;", transaction);
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$step", step);
        return command.ExecuteNonQuery();
    });

    /// <summary>Sets summary values of a run.</summary>
    public void SetSummary(string runId, IReadOnlyDictionary<string, double> values) => Write(transaction =>
    {
        InsertSummary(runId, values, transaction);
        Touch(runId, transaction);
    });

    /// <summary>Marks a run finished (exit code 0) or failed (any other code) at <paramref name="finished"/> (now by default).</summary>
    public void FinishRun(string runId, int exitCode, DateTimeOffset? finished = null) => Write(transaction =>
    {
        using var command = Command("UPDATE runs SET status = $status, exit_code = $code, finished = $finished, heartbeat = $finished WHERE id = $id;", transaction);
        command.Parameters.AddWithValue("$status", StatusName(RunStatuses.Of(exitCode)));
        command.Parameters.AddWithValue("$code", exitCode);
        command.Parameters.AddWithValue("$finished", Seconds(finished ?? DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$id", runId);
        command.ExecuteNonQuery();
    });

    /// <summary>
    /// Marks running runs whose last write is older than <paramref name="silence"/> as crashed (their process died
    /// without finishing) and returns how many.
    /// </summary>
    public int MarkCrashed(TimeSpan silence) => Write(transaction =>
    {
        using var command = Command("UPDATE runs SET status = 'crashed' WHERE status = 'running' AND coalesce(heartbeat, started, 0) < $before;", transaction);
        command.Parameters.AddWithValue("$before", Seconds(DateTimeOffset.UtcNow - silence));
        return command.ExecuteNonQuery();
    });

    /// <summary>Marks run <paramref name="runId"/> crashed if it is still running (its writer is known to be gone); true when it was.</summary>
    public bool MarkCrashed(string runId) => Write(transaction =>
    {
        using var command = Command("UPDATE runs SET status = 'crashed' WHERE id = $id AND status = 'running';", transaction);
        command.Parameters.AddWithValue("$id", runId);
        return command.ExecuteNonQuery() > 0;
    });

    /// <summary>Creates or updates the dashboard's card of a sweep (its owner is the sweep's trial store).</summary>
    public void UpsertSweep(string id, string name, string? configJson) => Write(transaction =>
    {
        using var command = Command("""
            INSERT INTO sweeps (id, name, config, created) VALUES ($id, $name, $config, $created)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config;
            """, transaction);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$config", (object?)configJson ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", Seconds(DateTimeOffset.UtcNow));
        command.ExecuteNonQuery();
    });

    /// <summary>The result of <c>PRAGMA integrity_check</c> ("ok" when the file is sound).</summary>
    public string IntegrityCheck()
    {
        lock (gate)
        {
            using var command = Command("PRAGMA integrity_check;");
            return string.Join("\n", Rows(command, reader => reader.GetString(0)));
        }
    }

    /// <summary>The journal mode ("wal").</summary>
    public string JournalMode()
    {
        lock (gate)
        {
            using var command = Command("PRAGMA journal_mode;");
            return (string)command.ExecuteScalar()!;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }

    void InsertMetrics(string runId, IEnumerable<(string Key, long Step, double Value)> values, SqliteTransaction transaction)
    {
        using var command = Command("INSERT OR REPLACE INTO metrics (run_id, key, step, value) VALUES ($run, $key, $step, $value);", transaction);
        var run = command.Parameters.AddWithValue("$run", runId);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var step = command.Parameters.Add("$step", SqliteType.Integer);
        var value = command.Parameters.Add("$value", SqliteType.Real);
        command.Prepare();
        foreach (var row in values)
        {
            key.Value = row.Key;
            step.Value = row.Step;
            value.Value = double.IsNaN(row.Value) ? DBNull.Value : row.Value;
            command.ExecuteNonQuery();
        }
    }

    void InsertSummary(string runId, IEnumerable<KeyValuePair<string, double>> values, SqliteTransaction transaction)
    {
        using var command = Command("INSERT OR REPLACE INTO summary (run_id, key, value) VALUES ($run, $key, $value);", transaction);
        command.Parameters.AddWithValue("$run", runId);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var value = command.Parameters.Add("$value", SqliteType.Real);
        command.Prepare();
        foreach (var (name, number) in values)
        {
            key.Value = name;
            value.Value = double.IsNaN(number) ? DBNull.Value : number;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Refreshes the heartbeat; a run marked crashed that writes again was only quiet, and is running again.</summary>
    void Touch(string runId, SqliteTransaction transaction)
    {
        using var command = Command("UPDATE runs SET heartbeat = $now, status = CASE status WHEN 'crashed' THEN 'running' ELSE status END WHERE id = $id;", transaction);
        command.Parameters.AddWithValue("$now", Seconds(DateTimeOffset.UtcNow));
        command.Parameters.AddWithValue("$id", runId);
        command.ExecuteNonQuery();
    }

    void Write(Action<SqliteTransaction> work) => Write(transaction =>
    {
        work(transaction);
        return 0;
    });

    /// <summary>Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction, retried while the database is busy.</summary>
    T Write<T>(Func<SqliteTransaction, T> work)
    {
        lock (gate)
        {
            return Retry(() =>
            {
                using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock up front
                var result = work(transaction);
                transaction.Commit();
                return result;
            });
        }
    }

    void Retry(Action work) => Retry(() =>
    {
        work();
        return 0;
    });

    /// <summary>
    /// Retries <paramref name="work"/> on SQLITE_BUSY / SQLITE_LOCKED (beyond the busy timeout SQLite already waits)
    /// with capped exponential backoff and jitter, for at most <see cref="RetryBudget"/>.
    /// </summary>
    static T Retry<T>(Func<T> work)
    {
        var deadline = DateTime.UtcNow + RetryBudget;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return work();
            }
            catch (SqliteException error) when (error.SqliteErrorCode is 5 or 6 && DateTime.UtcNow < deadline)
            {
                var delay = Math.Min(500, 5 << Math.Min(attempt, 7));
                Thread.Sleep(delay / 2 + Random.Shared.Next(delay / 2 + 1));
            }
        }
    }

    SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    static List<T> Rows<T>(SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    internal static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    static DateTimeOffset Time(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));

    static string StatusName(RunStatus status) => status.ToString().ToLowerInvariant();

    static RunStatus ParseStatus(string name) => Enum.Parse<RunStatus>(name, ignoreCase: true);
}
