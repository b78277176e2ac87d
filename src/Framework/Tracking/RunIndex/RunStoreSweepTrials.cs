using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Research.Framework.Tracking.RunIndex;

/// <summary>Sweep cards with their own trials: evaluation sweeps, filed from their records in run folders.</summary>
public sealed partial class RunStore
{
    /// <summary>
    /// Files the evaluation sweep recorded at <paramref name="sweepFile"/> in the run folder <paramref name="runDirectory"/>
    /// under <paramref name="runsFolder"/>: its card and its trials, replacing what an earlier filing wrote. Returns the
    /// card, or null when the record cannot be read.
    /// </summary>
    public EvalSweepCard? FileEvalSweep(string runsFolder, string runDirectory, string sweepFile)
    {
        var layout = new RunLayout(runDirectory);
        var run = DescribeRun(runsFolder, runDirectory, File.Exists(layout.Config) ? File.ReadAllText(layout.Config) : null, DateTimeOffset.UtcNow);
        if (EvalSweepCard.Read(sweepFile, run) is not { } card) return null;
        Write(transaction => FileCard(card, transaction));
        return card;
    }

    /// <summary>The trials a sweep card holds itself (an evaluation sweep's points), by number; none for a sweep whose trials are runs.</summary>
    public IReadOnlyList<StoredTrial> ListTrials(string sweepId)
    {
        lock (gate)
        {
            using var command = Command("SELECT number, parameters, value, run_id FROM sweep_trials WHERE sweep_id = $sweep ORDER BY number;");
            command.Parameters.AddWithValue("$sweep", sweepId);
            return Rows(command, reader => new StoredTrial(reader.GetInt32(0),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1)) ?? [],
                reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
    }

    /// <summary>How many trials each sweep card holds itself, by sweep id.</summary>
    public IReadOnlyDictionary<string, int> TrialCounts()
    {
        lock (gate)
        {
            using var command = Command("SELECT sweep_id, count(*) FROM sweep_trials GROUP BY sweep_id;");
            return Rows(command, reader => KeyValuePair.Create(reader.GetString(0), reader.GetInt32(1))).ToDictionary();
        }
    }

    /// <summary>Re-files the evaluation sweeps of the run folders <paramref name="folders"/> and drops the cards whose record is gone.</summary>
    void RebuildEvalSweeps(string runsFolder, IEnumerable<string> folders)
    {
        var filed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folders)
            foreach (var file in new RunLayout(folder).EvalSweeps)
                if (FileEvalSweep(runsFolder, folder, file) is { } card)
                    filed.Add(card.Id);
        Write(transaction =>
        {
            using var list = Command("SELECT id, config FROM sweeps;", transaction);
            var gone = Rows(list, reader => (Id: reader.GetString(0), Config: reader.IsDBNull(1) ? null : reader.GetString(1)))
                .Where(sweep => EvalSweepCard.IsEvalSweep(sweep.Config) && !filed.Contains(sweep.Id));
            foreach (var (id, _) in gone)
            {
                using var delete = Command("DELETE FROM sweeps WHERE id = $id;", transaction);
                delete.Parameters.AddWithValue("$id", id);
                delete.ExecuteNonQuery(); // cascades to its trials
            }
        });
    }

    void FileCard(EvalSweepCard card, SqliteTransaction transaction)
    {
        using (var upsert = Command("""
            INSERT INTO sweeps (id, name, config, created) VALUES ($id, $name, $config, $created)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, created = excluded.created;
            """, transaction))
        {
            upsert.Parameters.AddWithValue("$id", card.Id);
            upsert.Parameters.AddWithValue("$name", card.Name);
            upsert.Parameters.AddWithValue("$config", card.ConfigJson);
            upsert.Parameters.AddWithValue("$created", Seconds(card.Created));
            upsert.ExecuteNonQuery();
        }
        using (var clear = Command("DELETE FROM sweep_trials WHERE sweep_id = $id;", transaction))
        {
            clear.Parameters.AddWithValue("$id", card.Id);
            clear.ExecuteNonQuery();
        }
        using var insert = Command("INSERT INTO sweep_trials (sweep_id, number, parameters, value, run_id) VALUES ($sweep, $number, $parameters, $value, $run);", transaction);
        insert.Parameters.AddWithValue("$sweep", card.Id);
        var number = insert.Parameters.Add("$number", SqliteType.Integer);
        var parameters = insert.Parameters.Add("$parameters", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Real);
        var run = insert.Parameters.Add("$run", SqliteType.Text);
        foreach (var trial in card.Trials)
        {
            number.Value = trial.Number;
            parameters.Value = JsonSerializer.Serialize(trial.Parameters);
            value.Value = trial.Value is { } v && double.IsFinite(v) ? v : DBNull.Value;
            run.Value = (object?)trial.RunId ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
    }
}
