using Microsoft.CodeAnalysis;
using Xunit;
using static Research.Generators.Tests.GeneratorHarness;

namespace Research.Generators.Tests;

/// <summary>Each diagnostic fires on the mistake it names and stays silent on the valid variant next to it.</summary>
public class DiagnosticTests
{
    /// <summary>An experiment with placeholders for its attributes, its class modifiers and its members.</summary>
    static string Experiment(string name = "probe", string @interface = "SiTInterface", string network = "ToyMlp", string sampler = "Heun",
        string steps = "32", string dataset = "Checkerboard2D", string modifiers = "public partial", string members = "", string extra = "", string @class = "Probe") =>
        Usings + $$"""
        namespace Probe;

        /// <summary>A probe experiment.</summary>
        [Experiment("{{name}}")]
        [Interface(typeof({{@interface}}), TrainTimeDist = TimeDist.LogitNormal)]
        [Network(typeof({{network}}))]
        [Sampler(typeof({{sampler}}), Steps = {{steps}})]
        [Dataset(typeof({{dataset}}))]
        {{extra}}
        {{modifiers}} class {{@class}}
        {
            /// <summary>Training steps.</summary>
            public long Steps { get; init; } = 100;
            {{members}}
        }
        """;

    /// <summary>An interface without a score or a path (every framework interface has both).</summary>
    internal const string ScorelessInterface = """
        namespace Probe;
        public sealed class Scoreless(IDiffusionNetwork network, TimeDist dist, SiTOptions? options = null) : Interface(network, dist, options ?? new SiTOptions())
        {
            public override TorchSharp.torch.Tensor CIn(TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor COut(TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor CSkip(TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor CNoise(TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor SampleT(params long[] shape) => throw null!;
            public override TorchSharp.torch.Tensor SampleN(params long[] shape) => throw null!;
            public override TorchSharp.torch.Tensor SampleXt(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor n, TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor Target(TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor n, TorchSharp.torch.Tensor t) => throw null!;
            public override TorchSharp.torch.Tensor Pred(TorchSharp.torch.Tensor xt, TorchSharp.torch.Tensor t, Conditioning? cond = null) => throw null!;
            public override LossOutput Loss(TorchSharp.torch.Tensor x, Conditioning? cond = null) => throw null!;
        }
        """;

    static IReadOnlyList<string> Ids(params string[] sources)
    {
        var (diagnostics, _, errors) = Run(sources);
        var ids = diagnostics.Select(d => d.Id).ToList();
        if (ids.Count == 0) Assert.True(errors.Count == 0, "valid code must compile: " + string.Join("\n", errors));
        return ids;
    }

    [Fact]
    public void ValidExperimentsReportNothingAndCompile()
    {
        Assert.Empty(Ids(Experiment()));
        Assert.Empty(Ids(Experiment(@interface: "MeanFlowInterface", sampler: "EulerJump", steps: "1")));
        Assert.Empty(Ids(Experiment(sampler: "EulerMaruyama"), Experiment(name: "other", @interface: "EdmInterface", sampler: "EdmStochastic", @class: "Other")));
    }

    /// <summary>A dataset with a private constructor and a static factory: with Load(TOptions) it is accepted, with a factory of another shape it is RSG002.</summary>
    static string FactoryDataset(string load) => Usings + $$"""
        namespace Probe;
        public sealed record TinyOptions { public int Count { get; init; } = 8; public int? Classes { get; init; } }
        public sealed class Tiny : IDataset
        {
            Tiny() { }
            {{load}}
            public long[] SampleShape => [2];
            public int? NumClasses => null;
        }
        """;

    [Fact]
    public void RSG002_DatasetFactoryMustBeLoadOfAnOptionsRecord()
    {
        Assert.Empty(Ids(Experiment(dataset: "Tiny", extra: "[Default(\"Dataset.Count\", 4), Default(\"Dataset.Classes\", 3)]"),
            FactoryDataset("public static Tiny Load(TinyOptions? options = null) => new();")));
        Assert.Equal(["RSG002"], Ids(Experiment(dataset: "Tiny"), FactoryDataset("public static Tiny Create(TinyOptions options) => new();")));
        Assert.Equal(["RSG002"], Ids(Experiment(dataset: "Tiny"), FactoryDataset("public static Tiny Load(int count) => new();")));
    }

    [Fact]
    public void RSG001_NonPartialClass()
    {
        Assert.Equal(["RSG001"], Ids(Experiment(modifiers: "public")));
        Assert.Empty(Ids(Experiment(modifiers: "public sealed partial")));
    }

    [Theory]
    [InlineData("Heun", "ToyMlp", "Heun", "Checkerboard2D")]
    [InlineData("SiTInterface", "Heun", "Heun", "Checkerboard2D")]
    [InlineData("SiTInterface", "ToyMlp", "ToyMlp", "Checkerboard2D")]
    [InlineData("SiTInterface", "ToyMlp", "Heun", "string")]
    [InlineData("Interface", "ToyMlp", "Heun", "Checkerboard2D")]
    public void RSG002_ComponentOfTheWrongKind(string @interface, string network, string sampler, string dataset)
    {
        Assert.Equal(["RSG002"], Ids(Experiment(@interface: @interface, network: network, sampler: sampler, dataset: dataset)));
        Assert.Empty(Ids(Experiment(dataset: "TwoMoons")));
    }

    [Fact]
    public void RSG003_TwoTimeInterfaceWithASamplerThatCannotJump()
    {
        Assert.Equal(["RSG003"], Ids(Experiment(@interface: "MeanFlowInterface", sampler: "Heun")));
        Assert.Equal(["RSG003"], Ids(Experiment(@interface: "MeanFlowInterface", sampler: "EulerMaruyama")));
        Assert.Empty(Ids(Experiment(@interface: "MeanFlowInterface", sampler: "EulerJump")));
    }

    [Fact]
    public void RSG004_StochasticSamplerWithAnInterfaceWithoutAScore()
    {
        var (diagnostics, _, _) = Run(Experiment(@interface: "Scoreless", sampler: "EulerMaruyama"), Usings + ScorelessInterface);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG004", diagnostic.Id);
        Assert.Contains("needs IHasScore", diagnostic.GetMessage());
        Assert.Equal(["RSG004"], Ids(Experiment(@interface: "SiTInterface", sampler: "EulerJump")));
        Assert.Empty(Ids(Experiment(@interface: "Scoreless", sampler: "Euler"), Usings + ScorelessInterface));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    public void RSG005_NonPositiveSteps(string steps)
    {
        Assert.Equal(["RSG005"], Ids(Experiment(steps: steps)));
        Assert.Empty(Ids(Experiment(steps: "1")));
    }

    [Theory]
    [InlineData("[Sweep(1e-4, \"fast\")] public double LearningRate { get; init; } = 1e-3;")]
    [InlineData("[Sweep(0.5, 1.5)] public int BatchSize { get; init; } = 8;")]
    [InlineData("[Sweep(1, 2)] public bool Flag { get; init; }")]
    public void RSG006_SweepValueOfTheWrongType(string member)
    {
        Assert.Contains("RSG006", Ids(Experiment(members: member)));
        Assert.Empty(Ids(Experiment(members: "[Sweep(1e-4, 3e-4, 1)] public double LearningRate { get; init; } = 1e-3; [Sweep(8, 16)] public long BatchSize { get; init; } = 8;")));
    }

    [Fact]
    public void RSG006_DefaultValueOfTheWrongType()
    {
        Assert.Equal(["RSG006"], Ids(Experiment(extra: "[Default(\"Network.Hidden\", 2.5)]")));
        Assert.Empty(Ids(Experiment(extra: "[Default(\"Network.Hidden\", 64)]")));
        // a nullable int (ToyMlpOptions.NumClasses) takes an int or null, not a double
        Assert.Equal(["RSG006"], Ids(Experiment(extra: "[Default(\"Network.NumClasses\", 2.5)]")));
        Assert.Empty(Ids(Experiment(extra: "[Default(\"Network.NumClasses\", 10)]")));
        Assert.Empty(Ids(Experiment(extra: "[Default(\"Network.NumClasses\", null)]")));
    }

    [Fact]
    public void RSG007_TwoExperimentsWithOneName()
    {
        Assert.Equal(["RSG007"], Ids(Experiment(name: "same"), Experiment(name: "same", @class: "Other")));
        Assert.Empty(Ids(Experiment(name: "one"), Experiment(name: "two", @class: "Other")));
    }

    [Fact]
    public void RSG008_DefaultForAnUnknownKey()
    {
        Assert.Equal(["RSG008"], Ids(Experiment(extra: "[Default(\"Network.Hiden\", 64)]")));
        Assert.Empty(Ids(Experiment(extra: "[Default(\"Grid.TStart\", 0.9)]").Replace("Steps = 32)", "Steps = 32, Grid = typeof(UniformGrid))")));
    }

    [Fact]
    public void RSG009_MissingComponentAttribute()
    {
        Assert.Equal(["RSG009"], Ids(Experiment().Replace("[Dataset(typeof(Checkerboard2D))]", "")));
        Assert.Empty(Ids(Experiment()));
    }

    [Fact]
    public void RSG010_OptimizerLearningRateNextToALearningRateProperty()
    {
        const string property = "/// <summary>Peak rate.</summary>\n    public double LearningRate { get; init; } = 1e-3;";
        Assert.Equal(["RSG010"], Ids(Experiment(members: property, extra: "[Optimizer(LearningRate = 3e-4)]")));
        Assert.Empty(Ids(Experiment(members: property, extra: "[Optimizer(WeightDecay = 0.01)]")));
        Assert.Empty(Ids(Experiment(extra: "[Optimizer(LearningRate = 3e-4)]")));
        // Only LearningRate is taken over by a class property: a class's own WeightDecay leaves Optimizer.WeightDecay in place.
        Assert.Empty(Ids(Experiment(members: "public double WeightDecay { get; init; }", extra: "[Optimizer(WeightDecay = 0.01)]")));
    }

    [Fact]
    public void RSG002_TrackerSinkMustBeAnITrackerBuiltFromTheRunFolder()
    {
        const string sinks = """
            namespace Probe;
            public sealed class FolderSink(string runDirectory) : Research.Framework.Tracking.ITracker
            {
                public string Folder { get; } = runDirectory;
                public void Log(System.Collections.Generic.IReadOnlyDictionary<string, double> metrics, long step) { }
                public void LogImage(string key, byte[] png, long step) { }
                public void SetSummary(string key, double value) { }
                public void Finish(int exitCode) { }
            }
            public sealed class NotASink(string runDirectory) { public string Folder { get; } = runDirectory; }
            """;
        Assert.Empty(Ids(Experiment(extra: "[Tracker(typeof(FolderSink), Project = \"flows\", TensorBoard = true)]"), sinks));
        Assert.Equal(["RSG002"], Ids(Experiment(extra: "[Tracker(typeof(NotASink))]"), sinks));
        Assert.Equal(["RSG002"], Ids(Experiment(extra: "[Tracker(typeof(Research.Framework.Tracking.CompositeTracker))]"), sinks));
    }

    [Fact]
    public void RSG006_RangeOnANonNumericSetting()
    {
        Assert.Equal(["RSG006"], Ids(Experiment(members: "[SweepRange(0, 1)] public bool Flag { get; init; }")));
        Assert.Empty(Ids(Experiment(members: "[SweepRange(8, 64, Log = true)] public int BatchSize { get; init; } = 8; [SweepRange(1e-4, 1e-2, Log = true)] public double LearningRate { get; init; } = 1e-3;")));
    }

    [Fact]
    public void RSG002_RepaNeedsAnEncoderSourceAScoreAndBlockFeatures()
    {
        const string repa = "[Repa(typeof(Research.Framework.Encoders.FashionMnistEncoderSource), Depth = 2)]";
        Assert.Empty(Ids(Experiment(network: "DiT", dataset: "TwoMoons", extra: repa)));
        Assert.Equal(["RSG002"], Ids(Experiment(network: "ToyMlp", extra: repa)));
        Assert.Equal(["RSG002"], Ids(Experiment(network: "DiT", extra: "[Repa(typeof(TwoMoons))]")));
        Assert.Equal(["RSG002"], Ids(Experiment(network: "DiT", @interface: "Scoreless", sampler: "Euler", extra: repa), Usings + ScorelessInterface));
    }

    /// <summary>
    /// A class that sets one [Evaluate] argument keeps the others from its base's [Evaluate]: the generated defaults
    /// carry the class's Every and the base's Samples and Reference (here a type that is not a reference source, so
    /// RSG002 shows the inherited Reference was read).
    /// </summary>
    [Fact]
    public void NamedArgumentsMergeAlongTheBaseClassesNearestFirst()
    {
        const string classes = """
            namespace Probe;
            [Evaluate(Every = 100, Samples = 64, Reference = typeof(TwoMoons))]
            public abstract class Base { }
            """;
        var derived = Experiment(extra: "[Evaluate(Every = 500)]").Replace("public partial class Probe", "public partial class Probe : Base");
        Assert.Equal(["RSG002"], Ids(derived, Usings + classes));
        var (_, run, errors) = Run(derived.Replace("[Evaluate(Every = 500)]", "[Evaluate(Every = 500, Reference = null)]"), Usings + classes);
        Assert.Empty(errors);
        var code = run.GeneratedTrees.Single(t => t.FilePath.EndsWith("Probe.Experiment.g.cs")).ToString();
        Assert.Contains("Evaluate_Every = 500L,", code);
        Assert.Contains("Evaluate_Samples = 64,", code);
        Assert.DoesNotContain("ImageReference =", code);
    }

    /// <summary>
    /// The component attributes and [Default]s may sit on an abstract base class (a model shared by a CPU-sized and a
    /// full-size experiment): the derived class gets the base's components and defaults, its own [Default] wins for
    /// the same key, and a wrong key on the base is still RSG008 (for each experiment deriving from it).
    /// </summary>
    [Fact]
    public void ComponentsAndDefaultsComeFromTheBaseClassTheClassOwnDefaultWinning()
    {
        const string model = """
            namespace Probe;
            [Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]
            [Network(typeof(ToyMlp))]
            [Sampler(typeof(Heun), Steps = 32)]
            [Dataset(typeof(Checkerboard2D))]
            [Default("Network.Hidden", 256), Default("Network.Depth", 5)]
            public abstract class Model { public long Steps { get; init; } = 100; }

            /// <summary>Small.</summary>
            [Experiment("small")]
            [Default("Network.Hidden", 32), Default("Sampler.Steps", 8)]
            public sealed partial class Small : Model;

            /// <summary>Full.</summary>
            [Experiment("full")]
            public sealed partial class Full : Model;
            """;
        var (diagnostics, run, errors) = Run(Usings + model);
        Assert.Empty(diagnostics);
        Assert.Empty(errors);
        string Code(string name) => run.GeneratedTrees.Single(t => t.FilePath.EndsWith($"{name}.Experiment.g.cs")).ToString();
        Assert.Contains("Network_Hidden = 32,", Code("Small"));
        Assert.Contains("Network_Depth = 5,", Code("Small"));
        Assert.Contains("Sampler_Steps = 8,", Code("Small"));
        Assert.Contains("Network_Hidden = 256,", Code("Full"));
        Assert.Contains("Network_Depth = 5,", Code("Full"));
        Assert.Contains("Sampler_Steps = 32,", Code("Full"));
        Assert.Contains("public global::Research.Framework.Samplers.Heun Sampler()", Code("Full"));
        // An unknown key on the base: RSG008 for each experiment that inherits it.
        Assert.Equal(["RSG008", "RSG008"], Ids(Usings + model.Replace("\"Network.Depth\"", "\"Network.Dept\"")));
    }

    [Theory]
    [InlineData("public long TrainingSteps { get; init; } = 10;", "TrainingSteps", "TrainSteps")]
    [InlineData("public double LR { get; init; } = 1e-3;", "LR", "LearningRate")]
    [InlineData("public int Batchsize { get; init; } = 64;", "Batchsize", "BatchSize")]
    [InlineData("public double EmaDecy { get; init; } = 0.99;", "EmaDecy", "EmaDecay")]
    public void RSG013_ANearMissOfAWellKnownNameIsAWarningNamingTheMeantName(string member, string name, string meant)
    {
        var source = Experiment(members: member);
        var (diagnostics, run, errors) = Run(source);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG013", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains($"'{name}'", diagnostic.GetMessage());
        Assert.Contains($"did you mean '{meant}'", diagnostic.GetMessage());
        Assert.Equal(name, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        // A warning: the experiment is still generated and compiles, the property an ordinary setting.
        Assert.Empty(errors);
        Assert.Contains(run.Results.Single().GeneratedSources, s => s.HintName == "Probe.Experiment.g.cs");
    }

    [Theory]
    [InlineData("public long TrainSteps { get; init; } = 10;")]
    [InlineData("public double LearningRate { get; init; } = 1e-3;")]
    [InlineData("public int Hidden { get; init; } = 64;")]
    [InlineData("public double Sigma { get; init; } = 0.5;")]
    [InlineData("public int Width { get; init; } = 8;")]
    [InlineData("public double TStart { get; init; } = 0.9;")]
    [InlineData("public long PreviewSteps { get; init; } = 10;")]
    [InlineData("public string Label { get; init; } = \"x\";")]
    public void RSG013_StaysSilentOnWellKnownAndUnrelatedNames(string member) => Assert.Empty(Ids(Experiment(members: member)));
}
