using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Research.Framework.Tracking;

namespace Research.Framework.Distillation;

/// <summary>
/// What a trained run folder (an sCD teacher, an autoguidance guide) says about itself: config.json's experiment,
/// interface and network type names and its resolved settings (as text), read with errors that name the folder, its
/// role and what is missing.
/// </summary>
public sealed class TeacherConfig
{
    TeacherConfig(string runDirectory, string experiment, string @interface, string network, IReadOnlyDictionary<string, string> settings, string role)
    {
        (RunDirectory, Experiment, Interface, Network, Settings, Role) = (runDirectory, experiment, @interface, network, settings, role);
    }

    /// <summary>What the run is to the caller ("teacher", "guide"), for error messages.</summary>
    public string Role { get; }

    /// <summary>The run folder.</summary>
    public string RunDirectory { get; }
    /// <summary>The teacher's experiment name.</summary>
    public string Experiment { get; }
    /// <summary>The teacher's interface type name (SiTInterface, EdmInterface, TrigFlowInterface, …).</summary>
    public string Interface { get; }
    /// <summary>The teacher's network type name.</summary>
    public string Network { get; }
    /// <summary>The resolved settings ("Network.Hidden" → "256").</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Reads RUN-DIR/config.json; a missing folder, file or field is an <see cref="ArgumentException"/> naming the run's <paramref name="role"/>.</summary>
    public static TeacherConfig Read(string runDirectory, string role = "teacher")
    {
        if (string.IsNullOrWhiteSpace(runDirectory))
            throw new ArgumentException("The teacher run is not set: give a trained SiT, EDM or TrigFlow run folder, e.g. --Interface.TeacherRun runs/edm-checkerboard/<id>, or an experiment that `run` trains first, e.g. --Interface.TeacherExperiment edm-checkerboard.");
        var path = new RunLayout(runDirectory).Config;
        if (!File.Exists(path))
            throw new ArgumentException($"The {role} run '{runDirectory}' is not a run folder (it has no config.json). Give a folder under runs/<experiment>/ of a trained SiT, EDM or TrigFlow run.");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object");
            string Field(string name) => root[name]?.GetValue<string>()
                ?? throw new JsonException($"no \"{name}\" (runs record their interface and network since the consistency models were added; retrain the {role})");
            var settings = (root["config"] as JsonObject ?? throw new JsonException("no \"config\""))
                .ToDictionary(kv => kv.Key, kv => SettingJson.Text(kv.Value));
            return new TeacherConfig(runDirectory, Field("experiment"), Field("interface"), Field("network"), settings, role);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"The {role} run's {path} is not a readable run config: {error.Message}.");
        }
    }

    /// <summary>A setting parsed as a double, int, long or bool; a missing or unreadable one is an error naming it.</summary>
    public T Get<T>(string key) where T : IParsable<T> =>
        Settings.TryGetValue(key, out var text) && T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value
            : throw new ArgumentException($"The {Role} run '{RunDirectory}' has no readable setting {key} (got '{(Settings.TryGetValue(key, out var t) ? t : "nothing")}').");

    /// <summary>An optional setting ("null" or absent gives null).</summary>
    public T? GetNullable<T>(string key) where T : struct, IParsable<T> =>
        !Settings.TryGetValue(key, out var text) || text == "null" ? null : Get<T>(key);

    /// <summary>A bool setting, false when absent (options added after the teacher was trained are off there).</summary>
    public bool Flag(string key) => Settings.TryGetValue(key, out var text) && bool.Parse(text);
}
