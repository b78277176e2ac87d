using Research.Framework.Sweeps.Trials;

namespace Research.Framework.Sweeps.Workers;

/// <summary>
/// One worker of a sweep, identical to every other: fail stale trials, ask for a trial, run it with a background
/// heartbeat, report its intermediate values (pruning when the pruner says so), finish it; repeat until nothing is
/// left. "Nothing left" means nothing can be handed out (no retry waits, the budget is spent or the strategy has no
/// proposal) and no other worker's trial is still running (it could go stale and need a retry), so a killed worker
/// loses no trial as long as one worker remains.
/// </summary>
public sealed class SweepWorker(ITrialStore store, SweepStudy sweep, SweepSearch search, ITrialRunner runner, SweepWorkerOptions options, TextWriter log)
{
    /// <summary>Runs trials until the sweep is done or <paramref name="cancel"/> is set; returns how many trials this worker ran.</summary>
    public int Run(CancellationToken cancel = default)
    {
        var ran = 0;
        while (!cancel.IsCancellationRequested)
        {
            foreach (var stale in store.FailStale(sweep.Id, options.Grace, options.MaxRetries))
                log.WriteLine($"[{options.WorkerId}] trial {stale.Number} (worker {stale.WorkerId}) stopped heartbeating: failed{(stale.Attempt < options.MaxRetries ? ", re-queued" : $", no retries left ({options.MaxRetries})")}");
            var trial = store.Ask(sweep.Id, options.WorkerId, trials => search.Strategy?.Suggest(search.Space, trials, options.Random), options.MaxTrials);
            if (trial is null)
            {
                // Waiting first tries that were not handed out are beyond the budget; a running trial may still go
                // stale and need a retry, and a retry queued since the ask is always handed out.
                if (!store.Trials(sweep.Id).Any(t => t.IsOwed)) break;
                cancel.WaitHandle.WaitOne(options.PollInterval);
                continue;
            }
            RunTrial(trial, cancel);
            ran++;
        }
        return ran;
    }

    void RunTrial(StoredTrial trial, CancellationToken cancel)
    {
        var parameters = string.Join(' ', trial.Parameters.Select(kv => $"--{kv.Key} {kv.Value}"));
        log.WriteLine($"[{options.WorkerId}] trial {trial.Number}{(trial.Attempt > 0 ? $" (attempt {trial.Attempt})" : "")}: {(parameters.Length == 0 ? "(the defaults)" : parameters)}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var lost = false;
        var pruned = false;
        TrialStoreDamagedException? damaged = null;
        double? lastValue = null;
        using var done = new ManualResetEventSlim();
        var heartbeat = new Thread(() =>
        {
            while (!done.Wait(options.HeartbeatInterval))
            {
                try
                {
                    if (store.Heartbeat(trial.Id, options.WorkerId)) continue;
                    lost = true;
                    stop.Cancel();
                    return;
                }
                catch (Exception error)
                {
                    // A database hiccup costs one beat; the grace period is several beats.
                    log.WriteLine($"[{options.WorkerId}] heartbeat of trial {trial.Number} failed: {error.Message}");
                }
            }
        }) { IsBackground = true, Name = $"heartbeat {trial.Number}" };
        heartbeat.Start();

        // A damaged store cannot take what the run tells it, but the run goes on: its folder keeps the result for `sweep --repair`.
        bool Damaged(TrialStoreDamagedException error)
        {
            if (damaged is null)
                log.WriteLine($"[{options.WorkerId}] trial {trial.Number}: the trial store is damaged; the run finishes and keeps its result in its folder");
            damaged ??= error;
            return false;
        }

        void RecordRunDirectory(string path)
        {
            try
            {
                store.SetRunDirectory(trial.Id, path);
            }
            catch (TrialStoreDamagedException error)
            {
                Damaged(error);
            }
        }

        bool Report(long step, double value)
        {
            if (damaged is not null) return false;
            bool running;
            try
            {
                running = store.Report(trial.Id, step, value);
            }
            catch (TrialStoreDamagedException error)
            {
                return Damaged(error);
            }
            if (!running)
            {
                lost = true;
                stop.Cancel();
                return true;
            }
            lastValue = value;
            if (search.Pruner is null) return false;
            var trials = store.Trials(sweep.Id);
            var self = trials.Single(t => t.Id == trial.Id);
            if (!search.Pruner.ShouldPrune(self.ToRecord(), [.. trials.Select(t => t.ToRecord())], sweep.Objective.Goal)) return false;
            pruned = true;
            stop.Cancel();
            return true;
        }

        TrialOutcome? outcome = null;
        Exception? failure = null;
        try
        {
            outcome = runner.Run(new TrialContext(sweep, trial, Report, RecordRunDirectory, stop.Token));
        }
        catch (Exception error)
        {
            failure = error;
        }
        finally
        {
            done.Set();
            heartbeat.Join();
        }

        try
        {
            Record(trial, outcome, failure, lost, pruned, lastValue);
        }
        catch (TrialStoreDamagedException error)
        {
            log.WriteLine($"[{options.WorkerId}] trial {trial.Number} ended but the trial store could not record it; its run folder keeps the result");
            throw damaged ?? error;
        }
    }

    /// <summary>Moves the trial to the state its run ended in.</summary>
    void Record(StoredTrial trial, TrialOutcome? outcome, Exception? failure, bool lost, bool pruned, double? lastValue)
    {
        if (lost)
            log.WriteLine($"[{options.WorkerId}] trial {trial.Number} was failed as stale by another worker; its retry carries on");
        else if (failure is not null)
        {
            store.Finish(trial.Id, TrialState.Failed, null);
            log.WriteLine($"[{options.WorkerId}] trial {trial.Number} failed: {failure.GetType().Name}: {failure.Message}");
        }
        else if (pruned)
        {
            store.Finish(trial.Id, TrialState.Pruned, lastValue);
            log.WriteLine($"[{options.WorkerId}] trial {trial.Number} pruned at {sweep.Objective.Metric} = {lastValue:G5} (checkpoint saved)");
        }
        else if (outcome is { Stopped: true })
            log.WriteLine(store.Release(trial.Id, options.WorkerId)
                ? $"[{options.WorkerId}] trial {trial.Number} stopped with a checkpoint and waits again: the next worker resumes it"
                : $"[{options.WorkerId}] trial {trial.Number} stopped with a checkpoint but was no longer this worker's; its retry carries on");
        else if (outcome?.Value is { } value)
        {
            var won = store.Finish(trial.Id, TrialState.Complete, value);
            log.WriteLine(won
                ? $"[{options.WorkerId}] trial {trial.Number} complete: {sweep.Objective.Metric} = {value:G5}"
                : $"[{options.WorkerId}] trial {trial.Number} finished after it was failed as stale; its retry's result counts");
        }
        else
        {
            store.Finish(trial.Id, TrialState.Failed, null);
            log.WriteLine($"[{options.WorkerId}] trial {trial.Number} failed: it ended without a value for {sweep.Objective.Metric}");
        }
    }
}
