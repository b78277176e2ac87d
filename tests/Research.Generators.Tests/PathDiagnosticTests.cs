using Xunit;
using static Research.Generators.Tests.GeneratorHarness;

namespace Research.Generators.Tests;

/// <summary>RSG014: samplers that step with the path's α_t and σ_t (IPathSampler) need an interface with a path.</summary>
public class PathDiagnosticTests
{
    /// <summary>DiagnosticTests' probe interface, which overrides neither the score nor Interface.Path.</summary>
    static readonly string PathLess = Usings + DiagnosticTests.ScorelessInterface;

    static string Experiment(string @interface, string sampler) => Usings + $$"""
        using Research.Framework.Interfaces.Discrete;
        namespace Probe;

        /// <summary>A probe experiment.</summary>
        [Experiment("probe")]
        [Interface(typeof({{@interface}}), TrainTimeDist = TimeDist.Uniform)]
        [Network(typeof(ToyMlp))]
        [Sampler(typeof({{sampler}}), Steps = 2)]
        [Dataset(typeof(Checkerboard2D))]
        public partial class Probe
        {
            /// <summary>Training steps.</summary>
            public long Steps { get; init; } = 100;
        }
        """;

    [Theory]
    [InlineData("Ddpm")]
    [InlineData("Ddim")]
    [InlineData("DpmSolverPlusPlus2M")]
    [InlineData("DpmSolverPlusPlus2MSde")]
    [InlineData("EulerAncestral")]
    public void RSG014_PathSamplerWithAPathLessInterface(string sampler)
    {
        var (diagnostics, _, _) = Run(Experiment("Scoreless", sampler), PathLess);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG014", diagnostic.Id);
        Assert.Contains($"Sampler '{sampler}'", diagnostic.GetMessage());
        Assert.Contains("interface 'Scoreless' has no path", diagnostic.GetMessage());
    }

    /// <summary>Silent where the interface has a path (its own override or an inherited one) or the sampler needs none.</summary>
    [Theory]
    [InlineData("SiTInterface", "Ddim")]
    [InlineData("EdmInterface", "DpmSolverPlusPlus2M")]
    [InlineData("DdpmInterface", "Ddpm")]
    [InlineData("Scoreless", "Heun")]
    public void RSG014_IsSilentWithAPathOrWithoutAPathSampler(string @interface, string sampler) => Assert.Empty(DiagnosticIds(Experiment(@interface, sampler), PathLess));
}
