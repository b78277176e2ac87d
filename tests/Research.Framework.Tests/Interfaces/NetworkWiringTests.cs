using Research.Framework.Interfaces;
using Research.Framework.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

/// <summary>How interfaces hand their random streams to networks, and what they refuse.</summary>
public class NetworkWiringTests
{
    static ToyMlp Toy(int? classes, double dropout) => new(new ToyMlpOptions { NumClasses = classes, ClassDropoutProb = dropout, Hidden = 16, Depth = 1 });

    [Fact]
    public void TheInterfaceGivesAConditionalNetworkItsLabelDropoutStream()
    {
        var network = Toy(4, 0.1);
        var sit = new SiTInterface(network, TimeDist.Uniform, new SiTOptions { Seed = 5 });
        Assert.Same(sit.Random.LabelDropout, network.LabelDropout);
    }

    [Fact]
    public void AnUnconditionalNetworkIsLeftAlone()
    {
        var network = Toy(null, 0);
        _ = new SiTInterface(network, TimeDist.Uniform);
        Assert.Null(network.LabelDropout);
    }

    [Fact]
    public void MeanFlowRefusesANetworkThatDropsLabelsItself()
    {
        var error = Assert.Throws<ArgumentException>(() => new MeanFlowInterface(Toy(4, 0.1), TimeDist.LogitNormal));
        Assert.Contains("CondDropRatio", error.Message);
        Assert.Contains("0.1", error.Message);
        _ = new MeanFlowInterface(Toy(4, 0), TimeDist.LogitNormal); // the null row stays; no drops in the network
    }

    [Fact]
    public void DiTIsAFeatureNetworkOfItsHiddenWidth()
    {
        var dit = new DiT(new DiTOptions { InputSize = 8, PatchSize = 2, InChannels = 1, HiddenSize = 32, Depth = 2, NumHeads = 2, NumClasses = null });
        Assert.Equal(32, ((IFeatureNetwork)dit).HiddenSize);
    }
}
