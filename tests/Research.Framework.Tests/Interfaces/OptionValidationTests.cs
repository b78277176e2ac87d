using Research.Framework.Interfaces;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class OptionValidationTests
{
    static readonly LambdaNetwork Network = new((x, t, c) => x, numClasses: 10);

    public static TheoryData<Func<object>, string, string> BadOptions => new()
    {
        { () => new SiTInterface(Network, TimeDist.Uniform, new SiTOptions { TSigma = -1 }), "SiTOptions.TSigma", "> 0" },
        { () => new SiTInterface(Network, TimeDist.Uniform, new SiTOptions { NSigma = 0 }), "SiTOptions.NSigma", "> 0" },
        { () => new SiTInterface(Network, TimeDist.Uniform, new SiTOptions { TShiftBase = double.NaN }), "SiTOptions.TShiftBase", "> 0" },
        { () => new SiTInterface(Network, TimeDist.Uniform, new SiTOptions { DType = ScalarType.Int32 }), "SiTOptions.DType", "floating" },
        { () => new EdmInterface(Network, TimeDist.LogNormal, new EdmOptions { XSigma = -0.5 }), "EdmOptions.XSigma", "> 0" },
        { () => new EdmInterface(Network, TimeDist.LogNormal, new EdmOptions { TMu = double.PositiveInfinity }), "EdmOptions.TMu", "finite" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { FmPortion = 1.5 }), "MeanFlowOptions.FmPortion", "[0, 1]" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { CondDropRatio = -0.1 }), "MeanFlowOptions.CondDropRatio", "[0, 1]" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { GuidanceTMin = 0.8, GuidanceTMax = 0.2 }), "MeanFlowOptions.GuidanceTMin", "must not exceed" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { NormEps = 0 }), "MeanFlowOptions.NormEps", "> 0" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { GuidanceMixtureRatio = 2 }), "MeanFlowOptions.GuidanceMixtureRatio", "[0, 1]" },
        { () => new MeanFlowInterface(Network, TimeDist.Uniform, new MeanFlowOptions { TSigma = 0 }), "MeanFlowOptions.TSigma", "> 0" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptionsFailNamingTheOptionAndItsRange(Func<object> create, string option, string range)
    {
        var error = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Contains(option, error.Message);
        Assert.Contains(range, error.Message);
    }

    [Fact]
    public void DefaultsAreTheReferences()
    {
        var sit = new SiTOptions();
        Assert.Equal((0.0, 1.0, 0.0, 1.0, 0.5, 4096.0), (sit.TMu, sit.TSigma, sit.NMu, sit.NSigma, sit.XSigma, sit.TShiftBase));
        var meanFlow = new MeanFlowOptions();
        Assert.Equal((1.0, 0.5, 0.0, 1.0, 1e-3, 1.0, 0.75, 0.5),
            (meanFlow.GuidanceScale, meanFlow.GuidanceMixtureRatio, meanFlow.GuidanceTMin, meanFlow.GuidanceTMax,
             meanFlow.NormEps, meanFlow.NormPower, meanFlow.FmPortion, meanFlow.CondDropRatio));
        Assert.Equal("forward_mode", meanFlow.Jvp.Name); // jax.jvp in the reference; double-VJP where a network has no rule
    }
}
