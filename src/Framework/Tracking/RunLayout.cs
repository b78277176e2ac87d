using System.Globalization;

namespace Research.Framework.Tracking;

/// <summary>
/// The one owner of the run-folder layout, <c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>: where a run's
/// config.json, metrics.jsonl, summary.json, media/, checkpoints/ and phema/ lie, and where the runs folder keeps its index.
/// The runner, the sinks, the index rebuild, the dashboard, sweeps, eval and sync ask it instead of joining names
/// themselves, so a file can be renamed in one place. It sits in Tracking because Tracking depends on no other
/// folder, so every folder that needs the layout may use it.
/// </summary>
/// <param name="Directory">The run's folder.</param>
public sealed record RunLayout(string Directory)
{
    /// <summary>The resolved configuration and provenance a run folder starts with; its presence marks a run folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The metric history, one JSON line per logged step.</summary>
    public const string MetricsFileName = "metrics.jsonl";

    /// <summary>The latest value of each summary metric.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>The folder of logged images, relative to the run folder ('/'-separated, as the index and W&amp;B name them).</summary>
    public const string MediaFolderName = "media";

    /// <summary>The folder of training checkpoints.</summary>
    public const string CheckpointsFolderName = "checkpoints";

    /// <summary>The folder of post-hoc EMA snapshots (power-function EMA profiles saved at a cadence; never pruned).</summary>
    public const string PostHocEmaFolderName = "phema";

    /// <summary>The EMA weights as safetensors with the network's config (written by <c>export RUN-DIR</c>).</summary>
    public const string WeightsFileName = "weights.safetensors";

    /// <summary>The run index in the runs folder, next to the experiment folders.</summary>
    public const string IndexFileName = "runs.db";

    /// <summary>The console output of every process that wrote the run (appended on resume).</summary>
    public const string LogFileName = "log.txt";

    /// <summary>What a failed run died of (the exception as text), written when it fails, removed when a resume finishes it.</summary>
    public const string ErrorFileName = "error.txt";

    /// <summary>The name start of an evaluation sweep's record (<c>eval-sweep-&lt;id&gt;.json</c>, written by <c>eval RUN-DIR --sweep</c>).</summary>
    public const string EvalSweepFilePrefix = "eval-sweep-";

    /// <summary>The folder of run <paramref name="runId"/> of <paramref name="experiment"/> under <paramref name="runsFolder"/>.</summary>
    public static RunLayout For(string runsFolder, string experiment, string runId) => new(Path.Combine(runsFolder, experiment, runId));

    /// <summary>The run index of <paramref name="runsFolder"/>.</summary>
    public static string IndexPath(string runsFolder) => Path.Combine(runsFolder, IndexFileName);

    /// <summary>The run folders under <paramref name="runsFolder"/> (two levels down, with a config.json), in ordinal order.</summary>
    public static IReadOnlyList<RunLayout> RunsUnder(string runsFolder) => !System.IO.Directory.Exists(runsFolder) ? [] :
        [.. System.IO.Directory.EnumerateDirectories(runsFolder).SelectMany(System.IO.Directory.EnumerateDirectories)
            .Order(StringComparer.Ordinal).Select(folder => new RunLayout(folder)).Where(run => run.IsRun)];

    /// <summary>The evaluation sweeps recorded in the run folder (<c>eval-sweep-*.json</c>), in ordinal order.</summary>
    public IReadOnlyList<string> EvalSweeps => !System.IO.Directory.Exists(Directory) ? [] :
        [.. System.IO.Directory.EnumerateFiles(Directory, EvalSweepFilePrefix + "*.json").Order(StringComparer.Ordinal)];

    /// <summary>config.json.</summary>
    public string Config => Path.Combine(Directory, ConfigFileName);

    /// <summary>metrics.jsonl.</summary>
    public string Metrics => Path.Combine(Directory, MetricsFileName);

    /// <summary>summary.json.</summary>
    public string Summary => Path.Combine(Directory, SummaryFileName);

    /// <summary>media/.</summary>
    public string Media => Path.Combine(Directory, MediaFolderName);

    /// <summary>checkpoints/.</summary>
    public string Checkpoints => Path.Combine(Directory, CheckpointsFolderName);

    /// <summary>phema/.</summary>
    public string PostHocEma => Path.Combine(Directory, PostHocEmaFolderName);

    /// <summary>weights.safetensors.</summary>
    public string Weights => Path.Combine(Directory, WeightsFileName);

    /// <summary>log.txt.</summary>
    public string Log => Path.Combine(Directory, LogFileName);

    /// <summary>error.txt.</summary>
    public string Error => Path.Combine(Directory, ErrorFileName);

    /// <summary>Whether the folder is a run folder (it has a config.json).</summary>
    public bool IsRun => File.Exists(Config);

    /// <summary>The name an image of metric <paramref name="key"/> at <paramref name="step"/> gets in media/ (key made file-name safe, step zero-padded).</summary>
    public static string MediaFileName(string key, long step) => $"{FileNames.Safe(key)}_{step.ToString("D8", CultureInfo.InvariantCulture)}.png";

    /// <summary>The path of a file in media/ relative to the run folder, '/'-separated as the index and W&amp;B store it.</summary>
    public static string MediaRelativePath(string fileName) => MediaFolderName + "/" + fileName;
}
