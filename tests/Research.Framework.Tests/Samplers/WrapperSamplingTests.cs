using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// A wrapper (REPA) works with every sampler its inner interface allows, because samplers ask the model's path instead
/// of its type: Repa&lt;EdmInterface&gt; gives the same samples as the bare EDM with the same weights, churn included
/// (which the old type test refused for the wrapper).
/// </summary>
public class WrapperSamplingTests
{
    /// <summary>A small token MLP (B, 4 tokens, width 4) with block features, as REPA needs.</summary>
    sealed class FeatureMlp : nn.Module, IFeatureNetwork
    {
        readonly Linear first = nn.Linear(5, 8);
        readonly Linear second = nn.Linear(8, 4);

        public FeatureMlp() : base(nameof(FeatureMlp))
        {
            RegisterComponents();
            using var generator = new TorchSharp.torch.Generator(11, CPU);
            using var noGradient = no_grad();
            foreach (var p in parameters()) p.copy_(randn(p.shape, generator: generator) * 0.3);
            this.to(float64);
        }

        public int? NumClasses => null;
        public bool ReturnFeatures { get; set; }
        public int HiddenSize => 8;

        public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond)
        {
            var time = Interface.BcastRight(t, x).expand(x.shape[0], x.shape[1], 1);
            var hidden = first.forward(cat([x, time], -1)).tanh();
            return new NetworkOutput(second.forward(hidden), ReturnFeatures ? [hidden] : []);
        }
    }

    sealed class ZeroEncoder : IFeatureEncoder
    {
        public int FeatureDim => 3;
        public Tensor Encode(Tensor x) => zeros(x.shape[0], x.shape[1], 3, float64);
    }

    public static TheoryData<string> Samplers() => ["euler", "heun", "edm-churn", "dpm", "em"];

    [Theory]
    [MemberData(nameof(Samplers))]
    public void RepaAroundEdmSamplesLikeTheBareEdm(string name)
    {
        using var scope = NewDisposeScope();
        Sampler sampler = name switch
        {
            "euler" => new Euler(8, new KarrasGrid()),
            "heun" => new Heun(8, new KarrasGrid()),
            "edm-churn" => new EdmStochastic(8, churn: 20),
            "dpm" => new DpmSolverPlusPlus2M(8, view: DpmSolverView.Edm),
            _ => new EulerMaruyama(8, new KarrasGrid(), DiffusionCoeff.Constant, norm: 0.5) { MaxStepFactor = double.PositiveInfinity },
        };
        var network = new FeatureMlp();
        var bare = new EdmInterface(network, TimeDist.LogNormal, new EdmOptions { DType = ScalarType.Float64 });
        var wrapped = new Repa<EdmInterface>(bare, new ZeroEncoder(), new RepaOptions { Depth = 1, ProjectionDim = 4 });
        var x = randn([3, 4, 4], float64, generator: new TorchSharp.torch.Generator(2));
        var options = new SampleOptions { Seed = 5 };

        var expected = sampler.Sample(bare, x, options);
        var actual = sampler.Sample(wrapped, x, options);

        Assert.True(expected.isfinite().all().item<bool>());
        TensorAssert.Close(expected, actual, 0);
    }
}
