using Research.Experiments.Cli;
using Research.Experiments.Toy;
using Research.Framework.Experiments;
using Research.Generated;

namespace Research.Experiments;

/// <summary>
/// The command line: `list`, `run NAME [--Key value ...] [--runs-dir DIR]`, `bench-samplers`, `bench-training`,
/// `encoder-fashion-mnist`.
/// Hand-written until the generator issue emits the entry point and the catalog from attributed experiment classes.
/// </summary>
public static class Program
{
    /// <summary>Every experiment of the project.</summary>
    public static IReadOnlyList<IExperiment> Catalog() =>
        [new SitCheckerboard(), new EdmCheckerboard(), new MeanFlowCheckerboard(), new SitMoonsSde()];

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs a command; returns the exit code (2 for usage errors).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            switch (args)
            {
                case [] or ["--help"] or ["-h"] or ["help"]:
                    Help(output);
                    return 0;
                case ["list"]:
                    foreach (var experiment in Catalog()) output.WriteLine($"{experiment.Name,-24} {experiment.Description}");
                    return 0;
                case ["bench-samplers"]:
                    return SamplerBench.Run(output);
                case ["bench-training", .. var steps]:
                    return TrainingBench.Run(output, TrainingBench.ParseSteps(steps));
                case ["encoder-fashion-mnist", .. var encoderArgs]:
                    return EncoderBench.Run(output, encoderArgs);
                case ["run", var name, .. var rest]:
                    return RunExperiment(Find(name), rest, output);
                default:
                    throw new UsageException($"Unknown command '{string.Join(' ', args)}'.");
            }
        }
        catch (UsageException usage)
        {
            error.WriteLine($"error: {usage.Message}");
            error.WriteLine("Try --help.");
            return 2;
        }
    }

    static int RunExperiment(IExperiment experiment, IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments is ["--help"])
        {
            output.WriteLine($"{experiment.Name}: {experiment.Description}");
            foreach (var s in experiment.Settings) output.WriteLine($"  --{s.Key,-14} {s.Type,-7} default {s.Current(),-8} {s.Help}");
            output.WriteLine("  --runs-dir      String  default runs     where run folders go");
            output.WriteLine("  --resume        String  (none)           continue a run folder from its newest checkpoint");
            return 0;
        }
        var runsDir = "runs";
        string? resume = null;
        var rest = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--runs-dir" && i + 1 < arguments.Count) runsDir = arguments[++i];
            else if (arguments[i].StartsWith("--runs-dir=", StringComparison.Ordinal)) runsDir = arguments[i]["--runs-dir=".Length..];
            else if (arguments[i] == "--resume" && i + 1 < arguments.Count) resume = arguments[++i];
            else if (arguments[i].StartsWith("--resume=", StringComparison.Ordinal)) resume = arguments[i]["--resume=".Length..];
            else rest.Add(arguments[i]);
        }
        if (resume is not null && !File.Exists(Path.Combine(resume, "config.json")))
            throw new UsageException($"--resume: '{resume}' is not a run folder (it has no config.json).");
        var overrides = Overrides.Apply(experiment, rest);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) => { e.Cancel = true; cancel.Cancel(); output.WriteLine("stopping after the next checkpoint…"); };
        Console.CancelKeyPress += stop;
        try
        {
            var result = ExperimentRunner.Run(experiment.Plan(overrides), runsDir, output, cancel.Token, resume);
            output.WriteLine($"done: {result.Directory.Path}");
            foreach (var (key, value) in result.Summary.OrderBy(kv => kv.Key)) output.WriteLine($"  {key} = {value:G5}");
            return result.Training.Cancelled ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= stop;
        }
    }

    static IExperiment Find(string name) =>
        Catalog().FirstOrDefault(e => e.Name == name)
        ?? throw new UsageException($"Unknown experiment '{name}'. Experiments: {string.Join(", ", Catalog().Select(e => e.Name))}.");

    static void Help(TextWriter output)
    {
        output.WriteLine($"Research experiments (generator: {GeneratorInfo.Generator})");
        output.WriteLine("  list                                   the experiments");
        output.WriteLine("  run NAME [--Key value ...] [--runs-dir DIR] [--resume RUN-DIR]   train, sample and evaluate; run NAME --help lists the keys");
        output.WriteLine("  bench-samplers                         the samplers' own overhead");
        output.WriteLine("  bench-training [--steps N]             the trainer's overhead against a hand-written loop, and RSS over N steps");
        output.WriteLine("  encoder-fashion-mnist [--runs DIR]     train or load REPA's offline encoder and print its test accuracy");
    }
}
