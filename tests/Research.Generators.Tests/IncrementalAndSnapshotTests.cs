using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static Research.Generators.Tests.GeneratorHarness;

namespace Research.Generators.Tests;

public class IncrementalAndSnapshotTests
{
    const string SitCheckerboard = Usings + """
        namespace Toys;

        /// <summary>SiT flow matching on the 2-D checkerboard, Heun-32 sampling.</summary>
        [Experiment("sit-checkerboard")]
        [Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
        [Network(typeof(ToyMlp))]
        [Sampler(typeof(Heun), Steps = 32)]
        [Dataset(typeof(Checkerboard2D))]
        [Default("Interface.TShiftBase", 2.0)]
        public partial class SitCheckerboard
        {
            /// <summary>Peak learning rate.</summary>
            [Sweep(1e-4, 3e-4, 1e-3)] public double LearningRate { get; init; } = 1e-3;
            /// <summary>Batch size.</summary>
            public int BatchSize { get; init; } = 256;
            /// <summary>Training steps.</summary>
            public int TrainSteps { get; init; } = 4000;
            /// <summary>Seed of everything.</summary>
            public long Seed { get; init; }
        }
        """;

    const string SitMoonsSde = Usings + """
        namespace Toys;

        /// <summary>SiT on two moons, Euler–Maruyama sampling from t = 0.999.</summary>
        [Experiment("sit-moons-sde")]
        [Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
        [Network(typeof(ToyMlp))]
        [Sampler(typeof(EulerMaruyama), Steps = 250, Grid = typeof(UniformGrid))]
        [Dataset(typeof(TwoMoons))]
        [Default("Grid.TStart", 0.999), Default("Network.Hidden", 128)]
        public partial class SitMoonsSde
        {
            /// <summary>Training steps.</summary>
            public long Steps { get; init; } = 2000;
            /// <summary>EMA decay.</summary>
            [SweepRange(0.99, 0.9999, Log = true)] public double EmaDecay { get; init; } = 0.999;
        }
        """;

    const string DiTFashionMnist = Usings + """
        namespace Images;

        /// <summary>Class-conditional SiT on a DiT on Fashion-MNIST, with classifier-free guidance.</summary>
        [Experiment("dit-fashion-mnist")]
        [Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
        [Network(typeof(DiT))]
        [Sampler(typeof(Heun), Steps = 32)]
        [Dataset(typeof(FashionMnist))]
        [Default("Dataset.PadTo32", true), Default("Network.InChannels", 1), Default("Network.PatchSize", 4), Default("Network.NumClasses", 10)]
        public partial class DiTFashionMnist
        {
            /// <summary>Training steps.</summary>
            public long Steps { get; init; } = 2000;
            /// <summary>Images per preview.</summary>
            public int PreviewCount { get; init; } = 64;
            /// <summary>Guidance scale of previews and final samples.</summary>
            public double GuidanceScale { get; init; } = 2.0;
        }
        """;

    /// <summary>A factory-built dataset (FashionMnist.Load(FashionMnistOptions)), a nullable int setting and the PreviewCount/GuidanceScale conventions.</summary>
    [Fact]
    public void SnapshotOfDiTFashionMnist()
    {
        var (diagnostics, run, errors) = Run(DiTFashionMnist);
        Assert.Empty(diagnostics);
        Assert.Empty(errors);
        MatchesApproved("DiTFashionMnist", Generated(run, "DiTFashionMnist.Experiment.g.cs"));
    }

    static string Generated(GeneratorDriverRunResult run, string hint) =>
        run.Results.Single().GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();

    [Fact]
    public void SnapshotOfSitCheckerboard()
    {
        var (diagnostics, run, errors) = Run(SitCheckerboard, SitMoonsSde);
        Assert.Empty(diagnostics);
        Assert.Empty(errors);
        MatchesApproved("SitCheckerboard", Generated(run, "SitCheckerboard.Experiment.g.cs"));
    }

    [Fact]
    public void SnapshotOfSitMoonsSde()
    {
        var (_, run, _) = Run(SitCheckerboard, SitMoonsSde);
        MatchesApproved("SitMoonsSde", Generated(run, "SitMoonsSde.Experiment.g.cs"));
    }

    [Fact]
    public void SnapshotOfTheCatalog()
    {
        var (_, run, _) = Run(SitCheckerboard, SitMoonsSde);
        MatchesApproved("ExperimentCatalog", Generated(run, "ExperimentCatalog.g.cs"));
    }

    [Fact]
    public void SnapshotOfTheEntryPointOfAnExecutable()
    {
        // An executable gets the catalog plus Program.Main over ExperimentHost (no hand-written Program.cs).
        var compilation = Compilation(SitCheckerboard).WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.NotNull(output.GetEntryPoint(default));
        MatchesApproved("EntryPoint", Generated(driver.GetRunResult(), "ExperimentCatalog.g.cs"));
    }

    [Fact]
    public void AnUnrelatedEditLeavesThePipelineCached()
    {
        var compilation = Compilation(SitCheckerboard, SitMoonsSde, "namespace Other; public class Unrelated { public int A; }");
        var driver = Driver(track: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int A; public int B; }", GeneratorHarness.ParseOptions, path: "Source2.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertCached(result, ExperimentGenerator.Steps.Parse, ExperimentGenerator.Steps.Models);
    }

    [Fact]
    public void EditingAnExperimentRegeneratesOnlyThatExperiment()
    {
        var compilation = Compilation(SitCheckerboard, SitMoonsSde);
        var driver = Driver(track: true).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(SitMoonsSde.Replace("= 2000;", "= 3000;"), GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var reasons = driver.RunGenerators(edited).GetRunResult().Results.Single()
            .TrackedSteps[ExperimentGenerator.Steps.Parse].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

        // The initialiser is read at run time from a fresh instance, so the model of the edited class is unchanged too.
        Assert.All(reasons, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));
    }

    [Fact]
    public void MovingAnExperimentClassDownALineLeavesTheGeneratedOutputCached()
    {
        var compilation = Compilation(SitCheckerboard, SitMoonsSde);
        var driver = Driver(track: true).RunGenerators(compilation);

        // Every location in the file moves; the models hold none, so nothing downstream of the parse changes.
        var moved = SitMoonsSde.Replace("namespace Toys;", "namespace Toys;\n\n");
        Assert.NotEqual(SitMoonsSde, moved);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(), CSharpSyntaxTree.ParseText(moved, GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertCached(result, ExperimentGenerator.Steps.Parse, ExperimentGenerator.Steps.Model, ExperimentGenerator.Steps.Models, ExperimentGenerator.Steps.Duplicates);
    }

    [Fact]
    public void TheWellKnownSettingsTableIsReadFromTheFrameworkRecord()
    {
        // One property per row of WellKnownSettings (read here by reflection, by the generator by symbol), plus the
        // alias Steps for TrainSteps: each binds to its row.
        var rows = typeof(Research.Framework.Experiments.WellKnownSettings).GetProperties();
        Assert.Contains(rows, r => r.Name == "TrainSteps");
        var members = string.Join("\n", rows.Where(r => r.Name != "TrainSteps").Select(r =>
            $"public {(Nullable.GetUnderlyingType(r.PropertyType) == typeof(double) ? "double" : "long")} {r.Name} {{ get; init; }}"));
        var source = Usings + $$"""
            namespace Toys;

            /// <summary>Every well-known name.</summary>
            [Experiment("all-conventions")]
            [Interface(typeof(SiTInterface))]
            [Network(typeof(ToyMlp))]
            [Sampler(typeof(Heun))]
            [Dataset(typeof(Checkerboard2D))]
            public partial class AllConventions
            {
                public long Steps { get; init; } = 10;
                {{members}}
            }
            """;
        var (diagnostics, run, errors) = Run(source);
        Assert.Empty(diagnostics);
        Assert.Empty(errors);
        var generated = Generated(run, "AllConventions.Experiment.g.cs");
        Assert.Contains("TrainSteps = Steps,", generated);
        foreach (var row in rows.Where(r => r.Name != "TrainSteps")) Assert.Contains($"{row.Name} = {row.Name},", generated);
    }

    /// <summary>The named steps ran and produced what they produced before, and so did every output.</summary>
    static void AssertCached(GeneratorRunResult result, params string[] steps)
    {
        foreach (var step in steps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {output.Reason}"));
    }
}
