using System.Globalization;

namespace Research.Framework.Commands;

/// <summary>
/// What `eval` was asked: the run folder, the eval-only options (<c>--samples</c>, <c>--seed</c>, <c>--ema</c>,
/// <c>--sweep</c>, <c>--best</c>) and the <c>--Key value</c> settings in the order given (a key may repeat: a sweep's
/// values; <c>--file</c> and <c>--trials</c> describe a sweep file's search). <c>--guidance w</c> is read as the setting <c>GuidanceScale</c>.
/// </summary>
internal sealed record EvalRequest(string RunDir, int? Samples, long? Seed, string? Ema, bool Sweep, bool Best,
    IReadOnlyList<KeyValuePair<string, string>> Settings, string? File = null, int? Trials = null)
{
    static readonly CommandSyntax Syntax = new("eval", EvaluateCommand.Usage,
        [new("--samples", "N"), new("--guidance", "w"), new("--seed", "s"), new("--ema", "NAME"), new("--file", "F"), new("--trials", "N"),
            CommandOption.Flag("--sweep"), CommandOption.Flag("--best")],
        Positionals: 1, PositionalName: "run folder", Overrides: true, RepeatedOverrides: true);

    /// <summary>Reads the command line; a malformed option or value is a <see cref="UsageException"/>.</summary>
    public static EvalRequest Parse(IReadOnlyList<string> arguments)
    {
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runDir = parsed.Positionals is [var folder] ? folder : throw new UsageException($"eval: give a run folder. Usage: {EvaluateCommand.Usage}");
        int? samples = parsed["--samples"] is not { } n ? null
            : int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 2 ? count
            : throw new UsageException($"eval: --samples: '{n}' is not a whole number of at least 2.");
        double? guidance = parsed["--guidance"] is not { } w ? null
            : double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && double.IsFinite(scale) ? scale
            : throw new UsageException($"eval: --guidance: '{w}' is not a number.");
        long? seed = parsed["--seed"] is not { } s ? null
            : long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
            : throw new UsageException($"eval: --seed: '{s}' is not a whole number.");
        int? trials = parsed["--trials"] is not { } t ? null
            : int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cap) && cap >= 1 ? cap
            : throw new UsageException($"eval: --trials: '{t}' is not a whole number of at least 1.");
        var settings = Pairs(parsed.Overrides);
        if (guidance is { } g) settings.Add(new("GuidanceScale", g.ToString("R", CultureInfo.InvariantCulture)));
        return new EvalRequest(runDir, samples, seed, parsed["--ema"], parsed.Has("--sweep"), parsed.Has("--best"), settings, parsed["--file"], trials);
    }

    /// <summary>The <c>--Key value</c> / <c>--Key=value</c> pairs, in order.</summary>
    static List<KeyValuePair<string, string>> Pairs(IReadOnlyList<string> overrides)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < overrides.Count; i++)
        {
            var argument = overrides[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"eval: expected --Key value, got '{argument}'. Usage: {EvaluateCommand.Usage}");
            if (argument.IndexOf('=') is var equals and > 0) pairs.Add(new(argument[2..equals], argument[(equals + 1)..]));
            else if (i + 1 < overrides.Count && !overrides[i + 1].StartsWith("--", StringComparison.Ordinal)) pairs.Add(new(argument[2..], overrides[++i]));
            else throw new UsageException($"eval: {argument} needs a value.");
        }
        return pairs;
    }

    /// <summary>The command line that repeats one evaluation of this request with <paramref name="settings"/>.</summary>
    public string Command(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var words = new List<string> { "dotnet", "run", "--project", "src/Experiments", "--", "eval", RunDir };
        if (Samples is { } samples) words.AddRange(["--samples", samples.ToString(CultureInfo.InvariantCulture)]);
        if (Seed is { } seed) words.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        if (Ema is { } ema) words.AddRange(["--ema", ema]);
        foreach (var (key, value) in settings) words.AddRange(["--" + key, value]);
        return string.Join(" ", words.Select(Quote));
    }

    static string Quote(string word) => word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=+,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
