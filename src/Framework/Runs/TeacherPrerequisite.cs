using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Tracking;

namespace Research.Framework.Runs;

/// <summary>
/// sCD's teacher when the command line names none: a distillation experiment whose <c>Interface.TeacherRun</c> is empty
/// and whose <c>Interface.TeacherExperiment</c> names a diffusion experiment gets the newest finished run of that
/// experiment in the runs folder that was started with the same shared settings, or, when there is none, a run of it
/// trained first. Either way the student runs with <c>--Interface.TeacherRun DIR</c> added to its overrides (so
/// config.json records the teacher and a resume reloads it), and the console says which it was. A teacher given
/// explicitly is left alone: a missing or mismatched one stays the interface's error before any training step.
/// </summary>
public static class TeacherPrerequisite
{
    /// <summary>The setting that names the teacher's run folder.</summary>
    public const string RunKey = "Interface.TeacherRun";

    /// <summary>The setting that names the experiment trained as the teacher when no run folder is given.</summary>
    public const string ExperimentKey = "Interface.TeacherExperiment";

    /// <summary>
    /// Settings of a component (the teacher has its own interface, network, sampler, grid and data): never passed on.
    /// </summary>
    static readonly string[] ComponentPrefixes = ["Interface.", "Network.", "Sampler.", "Grid.", "Dataset."];

    /// <summary>
    /// The student's overrides with the teacher's run folder added when it needs one (see the class remarks);
    /// <paramref name="overrides"/> unchanged otherwise, null when training the teacher was cancelled.
    /// <paramref name="train"/> trains an experiment with the given overrides in <paramref name="runsDirectory"/> and
    /// returns its run folder (null when cancelled).
    /// </summary>
    public static IReadOnlyList<string>? Resolve(IExperiment student, IReadOnlyList<IExperiment> catalog, IReadOnlyList<string> overrides,
        string runsDirectory, TextWriter output, Func<IExperiment, IReadOnlyList<string>, string?> train)
    {
        var configuration = student.Defaults();
        var applied = Overrides.Apply(student.Name, configuration, overrides);
        string? Value(string key) => configuration.Settings.FirstOrDefault(s => s.Key == key)?.Current();
        if (Value(RunKey) is not "" || Value(ExperimentKey) is not { Length: > 0 } teacherName) return overrides;

        var teacher = catalog.FirstOrDefault(e => e.Name == teacherName)
            ?? throw new ArgumentException($"--{ExperimentKey}: '{teacherName}' is not an experiment (`list` shows them); name a diffusion experiment such as edm-checkerboard, or give --{RunKey} RUN-DIR.");
        var teacherKeys = teacher.Defaults().Settings.Select(s => s.Key).ToHashSet();
        var shared = applied.Where(kv => teacherKeys.Contains(kv.Key) && !ComponentPrefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var described = shared.Count == 0 ? "its defaults" : string.Join(" ", shared.Select(kv => $"--{kv.Key} {kv.Value}"));

        string? folder = NewestFinished(runsDirectory, teacherName, shared);
        if (folder is not null)
            output.WriteLine($"teacher: no --{RunKey} given; reusing the finished {teacherName} run {folder} (trained with {described}; give --{RunKey} to choose another)");
        else
        {
            output.WriteLine($"teacher: no --{RunKey} given and no finished {teacherName} run with {described} in {runsDirectory}; training {teacherName} first");
            folder = train(teacher, [.. shared.SelectMany(kv => new[] { "--" + kv.Key, kv.Value })]);
            if (folder is null) return null;
            output.WriteLine($"teacher: {teacherName} trained in {folder}; distilling {student.Name} from it");
        }
        return [.. overrides, "--" + RunKey, folder];
    }

    /// <summary>
    /// The newest run folder of <paramref name="experiment"/> under <paramref name="runsDirectory"/> that finished (its
    /// summary's exit code 0) and was started with the same <paramref name="overrides"/> (the thread count aside); null when there is none.
    /// </summary>
    public static string? NewestFinished(string runsDirectory, string experiment, IReadOnlyDictionary<string, string> overrides)
    {
        var root = Path.Combine(runsDirectory, experiment);
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root).OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal)
            .FirstOrDefault(d => Finished(d) && SameOverrides(d, overrides));
    }

    /// <summary>The overrides that change what is trained (the thread count does not).</summary>
    static Dictionary<string, string> Trained(IReadOnlyDictionary<string, string> overrides) =>
        overrides.Where(kv => kv.Key != "Threads").ToDictionary(kv => kv.Key, kv => kv.Value);

    static bool Finished(string folder)
    {
        var summary = new RunLayout(folder).Summary;
        if (!File.Exists(summary)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(summary))?["_exit_code"]?.GetValue<double>() == 0;
        }
        catch (Exception unreadable) when (unreadable is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    static bool SameOverrides(string folder, IReadOnlyDictionary<string, string> overrides)
    {
        try
        {
            var recorded = Trained(RecordedRun.Read(folder).Overrides);
            var wanted = Trained(overrides);
            return recorded.Count == wanted.Count && wanted.All(kv => recorded.TryGetValue(kv.Key, out var value) && value == kv.Value);
        }
        catch (RunFolderException)
        {
            return false;
        }
    }
}
