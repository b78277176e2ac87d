using Research.Framework.Tracking;

namespace Research.Framework.Commands;

/// <summary>
/// `sync RUN-DIR`: replays a run folder (history, summary, images, config) to Weights &amp; Biases, for runs made
/// offline or while W&amp;B was unreachable. Settings come from the WANDB_* variables (WANDB_API_KEY is required);
/// what was sent is recorded in RUN-DIR/wandb-sync.json, so syncing again sends only what is new.
/// </summary>
internal static class SyncCommand
{
    public const string Usage = "sync RUN-DIR";

    static readonly CommandSyntax Syntax = new("sync", Usage, [], Positionals: 1, PositionalName: "run folder");

    public static int Run(IReadOnlyList<string> arguments, TextWriter output, Func<string, string?> environment, WandbClientOptions? client = null)
    {
        var runDir = ArgumentReader.Read(Syntax, arguments).Positionals is [var folder] ? folder
            : throw new UsageException($"sync: give one run folder: {Usage}.");
        if (!File.Exists(Path.Combine(runDir, "metrics.jsonl")) && !File.Exists(Path.Combine(runDir, "config.json")))
            throw new UsageException($"sync: '{runDir}' is not a run folder (it has neither config.json nor metrics.jsonl).");
        var settings = WandbSettings.FromEnvironment(environment);
        if (string.IsNullOrEmpty(settings.ApiKey))
            throw new UsageException("sync: set WANDB_API_KEY (and WANDB_PROJECT, WANDB_ENTITY, WANDB_BASE_URL as needed) to sync to Weights & Biases.");
        try
        {
            var result = new WandbSync(settings, client).SyncAsync(runDir).GetAwaiter().GetResult();
            output.WriteLine(result.NothingNew
                ? $"sync: run {result.RunId} is up to date; nothing new to send."
                : $"sync: run {result.RunId}: {result.HistoryLines} history lines, {result.Files} files" +
                  $"{(result.Summary ? ", summary" : "")}{(result.Completed ? ", completion" : "")} sent.");
            return 0;
        }
        catch (WandbException error)
        {
            output.WriteLine($"sync failed: {error.Message} The run folder is unchanged; run sync again later.");
            return 1;
        }
    }
}
