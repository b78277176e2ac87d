using Xunit;
using static Research.Generators.Tests.GeneratorHarness;

namespace Research.Generators.Tests;

/// <summary>RSG011 and RSG012: consistency samplers and consistency models only go together.</summary>
public class ConsistencyDiagnosticTests
{
    static string Experiment(string @interface, string sampler) => Usings + $$"""
        using Research.Framework.Interfaces.Consistency;
        namespace Probe;

        /// <summary>A probe experiment.</summary>
        [Experiment("probe")]
        [Interface(typeof({{@interface}}), TrainTimeDist = TimeDist.LogNormal)]
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
    [InlineData("TrigFlowInterface")]
    [InlineData("SiTInterface")]
    [InlineData("EdmInterface")]
    public void RSG011_ConsistencySamplerWithADiffusionInterface(string @interface)
    {
        var (diagnostics, _, _) = Run(Experiment(@interface, "ConsistencySampler"));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG011", diagnostic.Id);
        Assert.Contains($"interface '{@interface}' is not one", diagnostic.GetMessage());
    }

    [Fact]
    public void RSG011_IsSilentForAConsistencyModel() => Assert.Empty(DiagnosticIds(Experiment("SctInterface", "ConsistencySampler")));

    [Theory]
    [InlineData("Heun")]
    [InlineData("Euler")]
    [InlineData("DpmSolverPlusPlus2M")]
    [InlineData("EulerMaruyama")]
    [InlineData("EulerJump")]
    public void RSG012_OdeOrSdeSamplerWithAConsistencyModel(string sampler)
    {
        var (diagnostics, _, _) = Run(Experiment("SctInterface", sampler));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG012", diagnostic.Id);
        Assert.Contains($"sampler '{sampler}'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Heun")]
    [InlineData("DpmSolverPlusPlus2M")]
    [InlineData("EulerMaruyama")]
    public void RSG012_IsSilentForTrigFlowAsADiffusionModel(string sampler) => Assert.Empty(DiagnosticIds(Experiment("TrigFlowInterface", sampler)));
}
