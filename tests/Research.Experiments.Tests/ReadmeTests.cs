using System.Text.RegularExpressions;
using Research.Experiments;
using Xunit;

namespace Research.Experiments.Tests;

/// <summary>
/// README.md cannot drift from the product: every C# block in it is code that ships (found verbatim in a source file
/// the build compiles), and every `dotnet run --project src/Experiments -- …` command in it runs, with tiny step counts
/// and sizes put in place of the long ones and the test's own folders in place of runs/ and &lt;run-id&gt;.
/// </summary>
public sealed partial class ReadmeTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("readme-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The repository root (where Research.sln is), found above the test's output folder.</summary>
    static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no Research.sln above {AppContext.BaseDirectory}");
        }
    }

    static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    /// <summary>The fenced blocks of one language, in order.</summary>
    static List<string> Blocks(string language) =>
        [.. FencedBlock().Matches(Readme).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["body"].Value)];

    static string[] Lines(string text) => [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];

    [Fact]
    public void EveryCSharpBlockIsCodeThatShips()
    {
        var blocks = Blocks("csharp");
        Assert.NotEmpty(blocks);
        var sources = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(path => (Path: path, Lines: Lines(File.ReadAllText(path)))).ToList();
        foreach (var block in blocks)
        {
            var lines = Lines(block);
            bool shipped = sources.Any(source => Enumerable.Range(0, Math.Max(0, source.Lines.Length - lines.Length + 1))
                .Any(start => lines.SequenceEqual(source.Lines.Skip(start).Take(lines.Length))));
            Assert.True(shipped, $"README's C# block is in no file under src/ (update the one or the other):\n{block}");
        }
    }

    /// <summary>The README's commands (after `--`), comments and optional [brackets] left out, in order.</summary>
    static List<string[]> Commands() =>
        [.. Readme.Split('\n')
            .Where(line => line.Contains("dotnet run --project src/Experiments") && !line.Contains("WANDB_API_KEY="))
            .Select(line => line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..])
            .Select(command => command.Split('`')[0].Split(" #")[0])
            .Select(command => OptionalPart().Replace(command, ""))
            .Select(command => command.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(words => words.Length > 0 && !words.Any(word => word.Contains('<') && !word.Contains("<run-id>")))];   // `run <name>` is a pattern, not a command

    /// <summary>Verbs that start servers, talk to W&amp;B or run benchmarks for minutes: their commands are checked by their own tests.</summary>
    static readonly string[] NotRunHere = ["dashboard", "sync", "bench-samplers", "bench-training", "bench-precision", "bench-jvp", "bench-dit", "encoder-fashion-mnist", "feature-net-fashion-mnist", "bench-latent-cache", "bench-data-parallel"];

    /// <summary>Tiny sizes for the settings an experiment has (the value replaces the README's, or is added).</summary>
    static readonly Dictionary<string, string> TinySettings = new()
    {
        ["Steps"] = "20", ["TrainSteps"] = "20", ["LogEvery"] = "10", ["PreviewEvery"] = "10", ["Evaluate.Every"] = "0", ["Evaluate.Samples"] = "64",
        ["SampleCount"] = "64", ["PreviewCount"] = "8", ["BatchSize"] = "16", ["Network.Hidden"] = "32", ["Network.Depth"] = "1", ["Sampler.Steps"] = "4",
        ["Network.HiddenSize"] = "32", ["Network.NumHeads"] = "2", ["Network.FrequencyEmbedSize"] = "32", ["Evaluate.ReferenceSteps"] = "5",
    };

    /// <summary>The command with tiny sizes, this test's folders and at most 2 trials on 1 worker.</summary>
    string[] Tiny(string[] words, string run)
    {
        var result = new List<string>();
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i].Replace("runs/sit-checkerboard/<run-id>", run);
            string? option = word.StartsWith("--", StringComparison.Ordinal) ? word[2..].Split('=')[0] : null;
            if (option is "workers") { result.AddRange(["--workers", "1"]); i++; continue; }
            if (option is "trials") { result.AddRange(["--trials", "2"]); i++; continue; }
            if (option is "runs-dir") { result.AddRange(["--runs-dir", Path.Combine(folder, "runs")]); i++; continue; }
            if (option is "file") { result.AddRange(["--file", Path.Combine(folder, words[i + 1])]); i++; continue; }
            if (option is not null && TinySettings.TryGetValue(option, out var tiny))
            {
                result.AddRange([$"--{option}", tiny]);
                if (!word.Contains('=')) i++;
                continue;
            }
            result.Add(word);
        }
        if (result[0] is "run" or "sweep" or "resume" && !result.Contains("--help") && !result.Contains("--emit"))
        {
            if (!result.Contains("--runs-dir") && result[0] != "resume") result.AddRange(["--runs-dir", Path.Combine(folder, "runs")]);
            if (result[0] != "resume" && !result.Contains("--best") && !result.Contains("--dry-run"))
            {
                var experiment = ExperimentCatalog.All.Single(e => e.Name == result[1]);
                var keys = experiment.Defaults().Settings.Select(s => s.Key).ToHashSet();
                foreach (var (key, value) in TinySettings)
                    if (keys.Contains(key) && !result.Contains($"--{key}")) result.AddRange([$"--{key}", value]);
                if (experiment.Name.Contains("fashion-mnist")) result.AddRange(["--Evaluate.CacheRoot", folder]);
            }
        }
        return [.. result];
    }

    [Fact]
    public void EveryCommandRunsWithTinySettings()
    {
        var commands = Commands();
        Assert.Contains(commands, c => c is ["run", "sit-checkerboard"]);   // the main job
        // The sweep file the README shows (its yaml block), where the sweep commands look for it.
        var yaml = Blocks("yaml");
        Assert.NotEmpty(yaml);
        File.WriteAllText(Path.Combine(folder, "sweep.yaml"), yaml[0]);
        // One finished tiny run stands in for <run-id>.
        // Its frequency width is the tiny one, so README's `--Network.InitFrom` of its exported weights fits a tiny run.
        var (code, output, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", Path.Combine(folder, "made"), .. SweepCommandTests.Tiny,
            "--Network.FrequencyEmbedSize", TinySettings["Network.FrequencyEmbedSize"]]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var run = Directory.GetDirectories(Path.Combine(folder, "made", "sit-checkerboard")).Single();

        int ran = 0;
        foreach (var words in commands.Where(c => !NotRunHere.Contains(c[0])))
        {
            var tiny = Tiny(words, run);
            (code, output, error) = ProgramTests.Run(tiny);
            Assert.True(code == 0, $"README: {string.Join(' ', words)}\nran as: {string.Join(' ', tiny)}\nexit {code}: {error}\n{output}");
            ran++;
        }
        Assert.True(ran >= 10, $"only {ran} README commands ran");
    }

    [GeneratedRegex(@"```(?<lang>[a-z]*)\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex OptionalPart();
}
