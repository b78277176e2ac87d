using Xunit;
using static Research.Generators.Tests.GeneratorHarness;

namespace Research.Generators.Tests;

/// <summary>RSG014: samplers that step with the path's α_t and σ_t (IPathSampler) need an interface with a path.</summary>
public class PathDiagnosticTests
{
    /// <summary>A diffusion interface that does not override Interface.Path (a user's own parametrisation).</summary>
    const string PathLess = """
        public sealed class PathLess(IDiffusionNetwork network, TimeDist dist, SiTOptions? options = null) : Interface(network, dist, options ?? new SiTOptions())
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

    static string Experiment(string @interface, string sampler) => Usings + $$"""
        using Research.Framework.Interfaces.Discrete;
        namespace Probe;

        {{PathLess}}

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
        var (diagnostics, _, _) = Run(Experiment("PathLess", sampler));
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RSG014", diagnostic.Id);
        Assert.Contains($"Sampler '{sampler}'", diagnostic.GetMessage());
        Assert.Contains("interface 'PathLess' has no path", diagnostic.GetMessage());
    }

    /// <summary>Silent where the interface has a path (its own override or an inherited one) or the sampler needs none.</summary>
    [Theory]
    [InlineData("SiTInterface", "Ddim")]
    [InlineData("EdmInterface", "DpmSolverPlusPlus2M")]
    [InlineData("DdpmInterface", "Ddpm")]
    [InlineData("PathLess", "Heun")]
    public void RSG014_IsSilentWithAPathOrWithoutAPathSampler(string @interface, string sampler) => Assert.Empty(DiagnosticIds(Experiment(@interface, sampler)));
}
