using Research.Framework.Experiments;
using Research.Framework.Text;

namespace Research.Framework.Commands;

/// <summary>
/// Which settings `eval` may change: those that decide how samples are drawn from the trained weights (the sampler's
/// and its grid's settings, guidance, the final sample count, threads and device), never one that changes the trained
/// model (its network, interface, data, optimizer, seed or steps), which needs a new run.
/// </summary>
internal static class EvalSettings
{
    /// <summary>The allowed settings, for help and messages.</summary>
    public const string Description = "Sampler.* and Grid.* (steps, η, grid), GuidanceScale, GuidanceMin, GuidanceMax, Guide, SampleCount, Threads, Device, Ema.Std";

    /// <summary>
    /// σ_rel of a post-hoc EMA reconstruction from the run's phema/ snapshots (EDM2): an eval-only key, no setting of
    /// the experiment (the run's plan never sees it), sweepable like the others.
    /// </summary>
    public const string EmaStd = "Ema.Std";

    static readonly string[] Prefixes = ["Sampler.", "Grid."];
    static readonly string[] Keys = ["GuidanceScale", "GuidanceMin", "GuidanceMax", "Guide", "SampleCount", "Threads", "Device"];

    /// <summary>Whether eval may change <paramref name="key"/> (a setting's canonical key).</summary>
    public static bool Allowed(string key) => Prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) || Keys.Contains(key);

    /// <summary>
    /// The settings with their canonical keys. An unknown key is an <see cref="InvalidSettingException"/> listing the
    /// experiment's eval settings (closest first); a known key that changes the trained model is a <see cref="UsageException"/>
    /// naming what eval may change.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Check(IExperiment experiment, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var known = experiment.Defaults().Settings;
        var allowed = known.Select(s => s.Key).Where(Allowed).Append(EmaStd).ToList();
        string Choices(string near) => string.Join(", ", ClosestNames.Order(near, allowed).Select(k => "--" + k));
        return settings.Select(pair =>
        {
            if (string.Equals(pair.Key, EmaStd, StringComparison.OrdinalIgnoreCase)) return new KeyValuePair<string, string>(EmaStd, pair.Value);
            var setting = known.FirstOrDefault(s => string.Equals(s.Key, pair.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidSettingException($"eval: unknown setting --{pair.Key} for {experiment.Name}. Settings eval may change: {Choices(pair.Key)} (and --samples, --seed, --ema).");
            if (!Allowed(setting.Key))
                throw new UsageException($"eval: --{setting.Key} changes the trained model, so eval cannot change it (train a new run). Settings eval may change: {Choices(setting.Key)} (and --samples, --seed, --ema).");
            return new KeyValuePair<string, string>(setting.Key, pair.Value);
        }).ToList();
    }

    /// <summary>The settings of a single evaluation: a repeated key is a mistake there (it means a sweep).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Single(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var repeated = settings.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new UsageException($"eval: --{repeated.Key} is given {repeated.Count()} times ({string.Join(", ", repeated.Select(s => s.Value))}); give each setting once, or add --sweep to evaluate every value.");
        return settings;
    }
}
