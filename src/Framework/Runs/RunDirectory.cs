using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Tracking;

namespace Research.Framework.Runs;

/// <summary>
/// The folder of one run, <c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;</c>, with its <c>config.json</c>: the resolved
/// configuration, the command-line overrides next to their defaults, and provenance (versions, git commit and
/// whether the tree was dirty), so any run can be reproduced and compared.
/// </summary>
public sealed class RunDirectory
{
    RunDirectory(string path, string id) => (Path, Id) = (path, id);

    /// <summary>The run's folder.</summary>
    public string Path { get; }

    /// <summary>The run id: UTC start time plus a short random suffix (sortable, unique across workers).</summary>
    public string Id { get; }

    /// <summary>Creates a new run folder under <paramref name="runsRoot"/>/<paramref name="experiment"/>.</summary>
    public static RunDirectory Create(string runsRoot, string experiment)
    {
        var id = $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
        var path = System.IO.Path.Combine(runsRoot, experiment, id);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"cannot create a run folder under '{runsRoot}' ({error.Message}); give --runs-dir a folder this user can write.");
        }
        return new RunDirectory(path, id);
    }

    /// <summary>Opens an existing run folder (to resume it from its newest checkpoint).</summary>
    public static RunDirectory Open(string path)
    {
        RecordedRun.Read(path);   // refuses a folder without a valid run record
        return new RunDirectory(path, System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path)));
    }

    /// <summary>Writes config.json and returns its text (also stored in every checkpoint).</summary>
    public string WriteConfig(ExperimentPlan plan)
    {
        var config = new JsonObject
        {
            ["experiment"] = plan.Name,
            ["run_id"] = Id,
            // What the run trained, by type name: a distillation student reads it to rebuild this run as its teacher.
            ["interface"] = plan.Model.GetType().Name,
            ["network"] = plan.Model.Network.GetType().Name,
            ["config"] = TypedConfig(plan),
            ["overrides"] = JsonSerializer.SerializeToNode(plan.Overrides),
            ["diff_from_defaults"] = DiffFromDefaults(plan),
            ["seed"] = plan.Seed,
            ["model_seed"] = plan.Model.Random.Seed,
            // What the run computed with, resolved (threads from the process when --Threads is null, the device, the dtype).
            ["compute"] = Compute(plan),
            ["versions"] = new JsonObject
            {
                ["framework"] = typeof(RunDirectory).Assembly.GetName().Version?.ToString(),
                ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
            },
            ["git"] = GitState(),
        };
        if (plan.SweepId is { } sweep) config["sweep_id"] = sweep;
        if (plan.Trial is { } trial)
            config["trial"] = new JsonObject { ["number"] = trial.Number, ["parameters"] = JsonSerializer.SerializeToNode(trial.Parameters) };
        var text = config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(new RunLayout(Path).Config, text);
        return text;
    }

    static JsonObject Compute(ExperimentPlan plan)
    {
        var compute = new JsonObject();
        foreach (var (key, value) in plan.Compute.Resolved(plan.BatchSize)) compute[key] = value;
        compute["dtype"] = plan.Model.DType.ToString();
        return compute;
    }

    /// <summary>Every setting whose resolved value differs from the experiment class's default: {key: {default, value}}.</summary>
    static JsonObject DiffFromDefaults(ExperimentPlan plan)
    {
        var diff = new JsonObject();
        foreach (var (key, value) in plan.Config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var text = value?.ToString();
            if (plan.Defaults.TryGetValue(key, out var original) && original != text)
                diff[key] = new JsonObject { ["default"] = Typed(plan, key, original), ["value"] = Typed(plan, key, text) };
        }
        return diff;
    }

    /// <summary>The resolved settings with numbers and booleans as JSON numbers and booleans.</summary>
    static JsonObject TypedConfig(ExperimentPlan plan)
    {
        var config = new JsonObject();
        foreach (var (key, value) in plan.Config) config[key] = Typed(plan, key, value?.ToString());
        return config;
    }

    static JsonNode? Typed(ExperimentPlan plan, string key, string? text) => SettingJson.Value(text, plan.SettingTypes.GetValueOrDefault(key));

    /// <summary>The commit and dirty flag of the working directory's git checkout, or null outside one.</summary>
    static JsonObject? GitState()
    {
        var commit = Git("rev-parse HEAD");
        if (commit is null) return null;
        return new JsonObject { ["commit"] = commit.Trim(), ["dirty"] = (Git("status --porcelain") ?? "").Trim().Length > 0 };
    }

    static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
