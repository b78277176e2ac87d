using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Research.Framework.Sweeps.Trials;

/// <summary>
/// The trial store's schema and rules in SQL that SQLite and PostgreSQL both run; the subclasses supply the
/// differences: how a write transaction starts, the row-lock clauses, the database clock and which errors are
/// transient. Tables (modelled on Optuna's, ours): <c>studies</c> (a sweep: name, experiment, objective, spec),
/// <c>trials</c> (number, state, params JSON, value, attempt, retry_of, worker, run_dir, heartbeat) and
/// <c>trial_values</c> (intermediate values, unique on trial and step). Times are Unix seconds from the database's
/// clock, so workers on machines with skewed clocks agree on staleness.
/// </summary>
public abstract class RelationalTrialStore : ITrialStore
{
    /// <summary>The schema version this code writes.</summary>
    public const int SchemaVersion = 1;

    const int MaxAttempts = 10;
    readonly Lock gate = new();
    DbConnection? connection;

    /// <summary>The open connection (set by <see cref="Initialize"/>).</summary>
    protected DbConnection Connection => connection ?? throw new InvalidOperationException("the trial store is not initialized");

    /// <summary>SQL for the current time in Unix seconds from the database clock (not a transaction's start time).</summary>
    protected abstract string Now { get; }

    /// <summary>The integer primary key column's type, assigned by the database.</summary>
    protected abstract string IdentityColumn { get; }

    /// <summary>Appended to a SELECT that takes row locks other transactions wait for ("" where the write transaction already excludes them).</summary>
    protected abstract string ForUpdate { get; }

    /// <summary>Appended to the claim's SELECT so concurrent claimers pass over a row another holds ("" where writes are already serialized).</summary>
    protected abstract string SkipLocked { get; }

    /// <summary>Starts a write transaction that excludes the writers this store's rules must not interleave with.</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>SQL run first in the schema transaction so concurrent creators take turns ("" where the write transaction already does).</summary>
    protected abstract string SchemaLock { get; }

    /// <summary>True for errors worth retrying: busy or locked database, deadlock, serialization failure.</summary>
    protected abstract bool IsTransient(Exception error);

    /// <summary>The error to raise in place of <paramref name="error"/> when it says the store itself is damaged (a file that is no database), else null.</summary>
    protected virtual TrialStoreDamagedException? Damaged(Exception error) => null;

    /// <summary>Opens the connection and creates or checks the schema; subclasses call it from their constructor.</summary>
    protected void Initialize(DbConnection open)
    {
        connection = open;
        try
        {
            Write(transaction =>
            {
                if (SchemaLock.Length > 0) Execute(SchemaLock, transaction);
                Execute("CREATE TABLE IF NOT EXISTS trials_schema_version (version INTEGER NOT NULL);", transaction);
                var current = Scalar("SELECT max(version) FROM trials_schema_version;", transaction) is { } value and not DBNull
                    ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;
                if (current > SchemaVersion)
                    throw new InvalidOperationException($"the trial store has schema version {current}, newer than this code's {SchemaVersion}; update the program.");
                if (current == SchemaVersion) return 0;
                foreach (var statement in Schema.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    Execute(statement + ";", transaction);
                Execute($"INSERT INTO trials_schema_version (version) VALUES ({SchemaVersion});", transaction);
                return 0;
            });
        }
        catch
        {
            open.Dispose();
            throw;
        }
    }

    string Schema => $"""
        CREATE TABLE studies (
            id {IdentityColumn},
            name TEXT NOT NULL UNIQUE,
            experiment TEXT NOT NULL,
            metric TEXT NOT NULL,
            goal TEXT NOT NULL CHECK (goal IN ('minimize', 'maximize')),
            target DOUBLE PRECISION,
            spec TEXT NOT NULL,
            created DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE trials (
            id {IdentityColumn},
            sweep_id BIGINT NOT NULL REFERENCES studies (id),
            number INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
            params TEXT NOT NULL,
            value DOUBLE PRECISION,
            attempt INTEGER NOT NULL,
            retry_of BIGINT REFERENCES trials (id),
            worker TEXT,
            run_dir TEXT,
            heartbeat DOUBLE PRECISION,
            created DOUBLE PRECISION NOT NULL,
            started DOUBLE PRECISION,
            finished DOUBLE PRECISION,
            UNIQUE (sweep_id, number)
        );
        CREATE INDEX trials_by_state ON trials (sweep_id, state, number);
        CREATE TABLE trial_values (
            trial_id BIGINT NOT NULL REFERENCES trials (id),
            step BIGINT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (trial_id, step)
        )
        """;

    const string TrialColumns = "id, sweep_id, number, state, params, value, attempt, retry_of, worker, run_dir, heartbeat";
    const string StudyColumns = "id, name, experiment, metric, goal, target, spec, created";

    /// <inheritdoc />
    public SweepStudy CreateSweep(string name, string experiment, SweepObjective objective, string spec, IReadOnlyList<IReadOnlyDictionary<string, string>>? initial = null) => Write(transaction =>
    {
        int created;
        using (var insert = Command($"""
            INSERT INTO studies (name, experiment, metric, goal, target, spec, created)
            VALUES (@name, @experiment, @metric, @goal, @target, @spec, {Now})
            ON CONFLICT (name) DO NOTHING;
            """, transaction))
        {
            Add(insert, "name", name);
            Add(insert, "experiment", experiment);
            Add(insert, "metric", objective.Metric);
            Add(insert, "goal", GoalName(objective.Goal));
            Add(insert, "target", objective.Target);
            Add(insert, "spec", spec);
            created = insert.ExecuteNonQuery();
        }
        var study = FindSweep(name, transaction)!;
        if (created == 1)
            foreach (var parameters in initial ?? [])
                Insert(study.Id, TrialState.Waiting, parameters, attempt: 0, retryOf: null, workerId: null, runDirectory: null, transaction);
        return study;
    });

    /// <inheritdoc />
    public SweepStudy? FindSweep(string name) => Read(() => FindSweep(name, null));

    SweepStudy? FindSweep(string name, DbTransaction? transaction)
    {
        using var command = Command($"SELECT {StudyColumns} FROM studies WHERE name = @name;", transaction);
        Add(command, "name", name);
        return Rows(command, ReadStudy).SingleOrDefault();
    }

    /// <inheritdoc />
    public StoredTrial Enqueue(long sweepId, IReadOnlyDictionary<string, string> parameters) => Write(transaction =>
    {
        LockSweep(sweepId, transaction);
        var id = Insert(sweepId, TrialState.Waiting, parameters, attempt: 0, retryOf: null, workerId: null, runDirectory: null, transaction);
        return ReadTrial(id, transaction)!;
    });

    /// <inheritdoc />
    public StoredTrial? Claim(long sweepId, string workerId) => Write(transaction => ClaimWaiting(sweepId, workerId, retriesOnly: false, transaction));

    /// <inheritdoc />
    public StoredTrial? Ask(long sweepId, string workerId, Func<IReadOnlyList<TrialRecord>, IReadOnlyDictionary<string, string>?> propose, int? maxTrials = null) =>
        Write(transaction =>
        {
            // Without a budget a claim needs no sweep lock (SKIP LOCKED keeps claimers apart); with one, the count of
            // started first tries must not change between checking it and claiming.
            if (maxTrials is null && ClaimWaiting(sweepId, workerId, retriesOnly: false, transaction) is { } free) return free;
            var study = LockSweep(sweepId, transaction);
            var spent = maxTrials is { } limit && StartedFirstTries(sweepId, transaction) >= limit;
            if (maxTrials is not null && ClaimWaiting(sweepId, workerId, retriesOnly: spent, transaction) is { } waiting) return waiting;
            var trials = ReadTrials(sweepId, transaction);
            if (maxTrials is { } budget && trials.Count(t => t.RetryOf is null) >= budget) return null;
            if (study.Objective.Target is { } target && trials.Any(t => t.State == TrialState.Complete && t.Value is { } value && Reached(value, target, study.Objective.Goal)))
                return null;
            if (propose([.. trials.Select(t => t.ToRecord())]) is not { } parameters) return null;
            var id = Insert(sweepId, TrialState.Running, parameters, attempt: 0, retryOf: null, workerId, runDirectory: null, transaction);
            return ReadTrial(id, transaction);
        });

    /// <inheritdoc />
    public bool Release(long trialId, string workerId) => Write(transaction =>
    {
        using var command = Command("UPDATE trials SET state = 'waiting', worker = NULL, heartbeat = NULL, started = NULL WHERE id = @id AND state = 'running' AND worker = @worker;", transaction);
        Add(command, "id", trialId);
        Add(command, "worker", workerId);
        return command.ExecuteNonQuery() == 1;
    });

    /// <inheritdoc />
    public bool Heartbeat(long trialId, string workerId) => Write(transaction =>
    {
        using var command = Command($"UPDATE trials SET heartbeat = {Now} WHERE id = @id AND state = 'running' AND worker = @worker;", transaction);
        Add(command, "id", trialId);
        Add(command, "worker", workerId);
        return command.ExecuteNonQuery() == 1;
    });

    /// <inheritdoc />
    public bool Report(long trialId, long step, double value) => Write(transaction =>
    {
        using var command = Command("""
            INSERT INTO trial_values (trial_id, step, value)
            SELECT @id, @step, @value WHERE EXISTS (SELECT 1 FROM trials WHERE id = @id AND state = 'running')
            ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value;
            """, transaction);
        Add(command, "id", trialId);
        Add(command, "step", step);
        Add(command, "value", value);
        return command.ExecuteNonQuery() == 1;
    });

    /// <inheritdoc />
    public bool SetRunDirectory(long trialId, string runDirectory) => Write(transaction =>
    {
        using var command = Command("UPDATE trials SET run_dir = @dir WHERE id = @id AND state = 'running';", transaction);
        Add(command, "id", trialId);
        Add(command, "dir", runDirectory);
        return command.ExecuteNonQuery() == 1;
    });

    /// <inheritdoc />
    public bool Finish(long trialId, TrialState state, double? value)
    {
        if (state is not (TrialState.Complete or TrialState.Pruned or TrialState.Failed))
            throw new ArgumentException($"A trial finishes as Complete, Pruned or Failed, not {state}.", nameof(state));
        return Write(transaction =>
        {
            using var command = Command($"UPDATE trials SET state = @state, value = @value, finished = {Now} WHERE id = @id AND state = 'running';", transaction);
            Add(command, "id", trialId);
            Add(command, "state", StateName(state));
            Add(command, "value", value is { } number && !double.IsNaN(number) ? number : null);
            return command.ExecuteNonQuery() == 1;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTrial> FailStale(long sweepId, TimeSpan grace, int maxRetries) => Write(transaction =>
    {
        LockSweep(sweepId, transaction);
        List<long> failed;
        using (var command = Command($"""
            UPDATE trials SET state = 'failed', finished = {Now}
            WHERE sweep_id = @sweep AND state = 'running' AND heartbeat < {Now} - @grace
            RETURNING id;
            """, transaction))
        {
            Add(command, "sweep", sweepId);
            Add(command, "grace", grace.TotalSeconds);
            failed = Rows(command, reader => Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        }
        var trials = failed.Order().Select(id => ReadTrial(id, transaction)!).ToList();
        foreach (var trial in trials.Where(t => t.Attempt < maxRetries))
            Insert(sweepId, TrialState.Waiting, trial.Parameters, trial.Attempt + 1, trial.Id, workerId: null, trial.RunDirectory, transaction);
        return (IReadOnlyList<StoredTrial>)trials;
    });

    /// <inheritdoc />
    public StoredTrial Restore(long sweepId, int number, TrialState state, IReadOnlyDictionary<string, string> parameters, double? value,
        IReadOnlyList<(long Step, double Value)> intermediate, string runDirectory)
    {
        if (state is TrialState.Running)
            throw new ArgumentException("A restored trial has no worker: it is Waiting (to resume from its run folder) or final.", nameof(state));
        return Write(transaction =>
        {
            LockSweep(sweepId, transaction);
            using var command = Command($"""
                INSERT INTO trials (sweep_id, number, state, params, value, attempt, run_dir, created, finished)
                VALUES (@sweep, @number, @state, @params, @value, 0, @run_dir, {Now}, {(state == TrialState.Waiting ? "NULL" : Now)})
                RETURNING id;
                """, transaction);
            Add(command, "sweep", sweepId);
            Add(command, "number", number);
            Add(command, "state", StateName(state));
            Add(command, "params", ParametersJson(parameters));
            Add(command, "value", value is { } objective && !double.IsNaN(objective) ? objective : null);
            Add(command, "run_dir", runDirectory);
            var id = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            foreach (var (step, at) in intermediate)
            {
                using var insert = Command("INSERT INTO trial_values (trial_id, step, value) VALUES (@id, @step, @value) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value;", transaction);
                Add(insert, "id", id);
                Add(insert, "step", step);
                Add(insert, "value", at);
                insert.ExecuteNonQuery();
            }
            return ReadTrial(id, transaction)!;
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredTrial> Trials(long sweepId) => Read(() => ReadTrials(sweepId, null));

    /// <inheritdoc />
    public StoredTrial? Trial(long trialId) => Read(() => ReadTrial(trialId, null));

    /// <inheritdoc />
    public void Dispose()
    {
        lock (gate) connection?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Claims the lowest-numbered waiting trial (only retries when <paramref name="retriesOnly"/>: the budget of first tries is spent).</summary>
    StoredTrial? ClaimWaiting(long sweepId, string workerId, bool retriesOnly, DbTransaction transaction)
    {
        using var command = Command($"""
            UPDATE trials SET state = 'running', worker = @worker, heartbeat = {Now}, started = {Now}
            WHERE state = 'waiting' AND id = (
                SELECT id FROM trials WHERE sweep_id = @sweep AND state = 'waiting'{(retriesOnly ? " AND retry_of IS NOT NULL" : "")}
                ORDER BY number LIMIT 1{SkipLocked})
            RETURNING id;
            """, transaction);
        Add(command, "worker", workerId);
        Add(command, "sweep", sweepId);
        var id = Rows(command, reader => Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)).SingleOrDefault();
        return id == 0 ? null : ReadTrial(id, transaction);
    }

    long StartedFirstTries(long sweepId, DbTransaction transaction)
    {
        using var command = Command("SELECT count(*) FROM trials WHERE sweep_id = @sweep AND retry_of IS NULL AND state <> 'waiting';", transaction);
        Add(command, "sweep", sweepId);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    SweepStudy LockSweep(long sweepId, DbTransaction transaction)
    {
        using var command = Command($"SELECT {StudyColumns} FROM studies WHERE id = @id{ForUpdate};", transaction);
        Add(command, "id", sweepId);
        return Rows(command, ReadStudy).SingleOrDefault() ?? throw new ArgumentException($"The trial store has no sweep with id {sweepId}.", nameof(sweepId));
    }

    long Insert(long sweepId, TrialState state, IReadOnlyDictionary<string, string> parameters, int attempt, long? retryOf, string? workerId, string? runDirectory, DbTransaction transaction)
    {
        var running = state == TrialState.Running;
        using var command = Command($"""
            INSERT INTO trials (sweep_id, number, state, params, attempt, retry_of, worker, run_dir, heartbeat, created, started)
            VALUES (@sweep, (SELECT coalesce(max(number), -1) + 1 FROM trials WHERE sweep_id = @sweep), @state, @params, @attempt, @retry_of,
                    @worker, @run_dir, {(running ? Now : "NULL")}, {Now}, {(running ? Now : "NULL")})
            RETURNING id;
            """, transaction);
        Add(command, "sweep", sweepId);
        Add(command, "state", StateName(state));
        Add(command, "params", ParametersJson(parameters));
        Add(command, "attempt", attempt);
        Add(command, "retry_of", retryOf);
        Add(command, "worker", workerId);
        Add(command, "run_dir", runDirectory);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    StoredTrial? ReadTrial(long id, DbTransaction? transaction)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE id = @id;", transaction);
        Add(command, "id", id);
        var trial = Rows(command, reader => ReadTrialRow(reader, new Dictionary<long, IReadOnlyList<(long, double)>>())).SingleOrDefault();
        if (trial is null) return null;
        using var values = Command("SELECT step, value FROM trial_values WHERE trial_id = @id ORDER BY step;", transaction);
        Add(values, "id", id);
        return trial with { Intermediate = Rows(values, reader => (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetDouble(1))) };
    }

    List<StoredTrial> ReadTrials(long sweepId, DbTransaction? transaction)
    {
        using var values = Command("""
            SELECT v.trial_id, v.step, v.value FROM trial_values v JOIN trials t ON t.id = v.trial_id
            WHERE t.sweep_id = @sweep ORDER BY v.trial_id, v.step;
            """, transaction);
        Add(values, "sweep", sweepId);
        var intermediate = Rows(values, reader => (Trial: Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                Step: Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Value: reader.GetDouble(2)))
            .GroupBy(row => row.Trial)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<(long, double)>)[.. group.Select(row => (row.Step, row.Value))]);
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE sweep_id = @sweep ORDER BY number;", transaction);
        Add(command, "sweep", sweepId);
        return Rows(command, reader => ReadTrialRow(reader, intermediate));
    }

    static StoredTrial ReadTrialRow(DbDataReader reader, IReadOnlyDictionary<long, IReadOnlyList<(long, double)>> intermediate)
    {
        var id = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        return new StoredTrial(
            id,
            Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
            Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
            Enum.Parse<TrialState>(reader.GetString(3), ignoreCase: true),
            JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4)) ?? [],
            reader.IsDBNull(5) ? null : reader.GetDouble(5),
            intermediate.TryGetValue(id, out var values) ? values : [],
            Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
            reader.IsDBNull(7) ? null : Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble(10) * 1000)));
    }

    static SweepStudy ReadStudy(DbDataReader reader) => new(
        Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
        reader.GetString(1),
        reader.GetString(2),
        new SweepObjective(reader.GetString(3), Enum.Parse<SweepGoal>(reader.GetString(4), ignoreCase: true), reader.IsDBNull(5) ? null : reader.GetDouble(5)),
        reader.GetString(6),
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble(7) * 1000)));

    /// <summary>True when <paramref name="value"/> is at or beyond <paramref name="target"/> in the goal's direction.</summary>
    static bool Reached(double value, double target, SweepGoal goal) => goal == SweepGoal.Minimize ? value <= target : value >= target;

    /// <summary>The parameters as a JSON object with sorted keys (the same parameters always give the same text).</summary>
    static string ParametersJson(IReadOnlyDictionary<string, string> parameters) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(parameters.ToDictionary(), StringComparer.Ordinal));

    static string StateName(TrialState state) => state.ToString().ToLowerInvariant();

    static string GoalName(SweepGoal goal) => goal.ToString().ToLowerInvariant();

    T Read<T>(Func<T> work)
    {
        lock (gate) return Retry(work);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction, retried as a whole on transient errors.</summary>
    T Write<T>(Func<DbTransaction, T> work)
    {
        lock (gate)
        {
            return Retry(() =>
            {
                using var transaction = BeginWrite(Connection);
                var result = work(transaction);
                transaction.Commit();
                return result;
            });
        }
    }

    /// <summary>
    /// Retries on transient errors up to <see cref="MaxAttempts"/> times with a random wait (full jitter, growing to
    /// 2 s), as Optuna does for deadlocks: synchronized retries would only collide again.
    /// </summary>
    T Retry<T>(Func<T> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return work();
            }
            catch (Exception error) when (attempt < MaxAttempts && (IsTransient(error) || Reconnected()))
            {
                Thread.Sleep(Random.Shared.Next(Math.Min(2_000, 50 << attempt) + 1));
            }
            catch (Exception error) when (Damaged(error) is { } damaged)
            {
                throw damaged;
            }
        }
    }

    /// <summary>
    /// After a dropped connection (a database restart, a network blip) the connection is broken for good: open a new
    /// one so the retry can go on, instead of every later call of a long-lived worker failing. False when the
    /// connection was fine (the error was something else) or cannot be reopened yet.
    /// </summary>
    bool Reconnected()
    {
        if (connection is null || connection.State == System.Data.ConnectionState.Open) return false;
        try
        {
            connection.Close();
            connection.Open();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    DbCommand Command(string sql, DbTransaction? transaction)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    void Execute(string sql, DbTransaction transaction)
    {
        using var command = Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    object? Scalar(string sql, DbTransaction transaction)
    {
        using var command = Command(sql, transaction);
        return command.ExecuteScalar();
    }

    static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    static List<T> Rows<T>(DbCommand command, Func<DbDataReader, T> read)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }
}
