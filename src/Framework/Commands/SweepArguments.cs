using System.Globalization;
using Research.Framework.Sweeps.Trials;

namespace Research.Framework.Commands;

/// <summary>
/// The command line of <c>sweep</c> and <c>sweep-worker</c>, read by <see cref="ArgumentReader"/>: the sweep options
/// and the experiment overrides (kept as given, in order).
/// </summary>
internal sealed class SweepArguments
{
    static readonly CommandSyntax Syntax = new("", SweepCommand.Usage,
    [
        new("--workers", "N"), new("--storage", "S"), new("--trials", "N"), new("--sweep-name", "S"), new("--file", "F"), new("--method", "M"),
        new("--metric", "KEY"), new("--goal", "G"), new("--intermediate", "KEY"), new("--heartbeat", "SECONDS"), new("--max-retries", "N"),
        new("--runs-dir", "DIR"), new("--emit", "slurm|k8s"), new("--parallel", "K"), new("--image", "IMAGE"), new("--worker-id", "ID"),
        CommandOption.Flag("--dry-run"), CommandOption.Flag("--best"), CommandOption.Flag("--new"), CommandOption.Flag("--repair"),
    ], Overrides: true);

    /// <summary>The options every worker is given because they shape the sweep (the rest are the launcher's own).</summary>
    static readonly string[] SweepShaping = ["--trials", "--sweep-name", "--file", "--method", "--metric", "--goal", "--intermediate", "--heartbeat", "--max-retries"];

    readonly ParsedArguments parsed;

    SweepArguments(ParsedArguments parsed) => this.parsed = parsed;

    /// <summary>Reads a sweep command line; mistakes of form are usage errors.</summary>
    public static SweepArguments Read(IReadOnlyList<string> arguments) => new SweepArguments(ArgumentReader.Read(Syntax, arguments)).CheckNumbers();

    /// <summary>Every whole-number option checked up front, so a bad one (<c>--trials abc</c>) is refused before a store is created.</summary>
    SweepArguments CheckNumbers()
    {
        Int("--workers", 1, 1);
        Int("--trials", 1, 1);
        Int("--max-retries", 2, 0);
        Int("--parallel", 1, 1);
        return this;
    }

    public string? this[string option] => parsed[option];

    public bool Has(string flag) => parsed.Has(flag);

    public IReadOnlyList<string> Overrides => parsed.Overrides;

    public string RunsDir => this["--runs-dir"] ?? "runs";

    public string Storage => this["--storage"] ?? Path.Combine(RunsDir, TrialStores.DefaultFileName);

    public int Int(string option, int fallback, int minimum) => this[option] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum ? value
        : throw new UsageException($"{option} takes a whole number ≥ {minimum}, not '{text}'.");

    /// <summary>
    /// The <c>sweep</c> command that rebuilds the store of sweep <paramref name="sweepName"/> from its run folders: the
    /// given arguments with <c>--repair</c> (a worker's own <c>--worker-id</c>, and <c>--best</c> or <c>--new</c>, left out).
    /// </summary>
    public static List<string> RepairArguments(string experiment, IReadOnlyList<string> arguments, string sweepName)
    {
        var repair = new List<string> { "sweep", experiment };
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--worker-id" or "--sweep-name") i++;
            else if (arguments[i] is not ("--best" or "--new" or "--repair")) repair.Add(arguments[i]);
        }
        if (sweepName != experiment) repair.AddRange(["--sweep-name", sweepName]);
        repair.Add("--repair");
        return repair;
    }

    /// <summary>
    /// The arguments a worker gets: every sweep option that shapes the sweep, then the overrides; <paramref name="sweepName"/>,
    /// when given, is the sweep the workers join (the one `--new` created), in place of `--sweep-name`.
    /// </summary>
    public List<string> WorkerArguments(string experiment, string? sweepName = null)
    {
        var arguments = new List<string> { "sweep-worker", experiment, "--storage", Storage, "--runs-dir", RunsDir };
        foreach (var option in SweepShaping)
            if ((option == "--sweep-name" ? sweepName ?? this[option] : this[option]) is { } value) arguments.AddRange([option, value]);
        arguments.AddRange(Overrides);
        return arguments;
    }
}
