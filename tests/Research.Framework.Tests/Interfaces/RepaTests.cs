using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class RepaTests
{
    /// <summary>Data (B, 4, 4): four tokens of width 4 (the rows); two blocks of features.</summary>
    sealed class TokenNetwork : nn.Module, IFeatureNetwork
    {
        readonly Linear first = nn.Linear(4, 4);
        readonly Linear second = nn.Linear(4, 4);

        public TokenNetwork() : base(nameof(TokenNetwork))
        {
            RegisterComponents();
            this.to(float64);
        }

        public int? NumClasses => null;
        public bool ReturnFeatures { get; set; }
        public int HiddenSize => 4;

        public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond)
        {
            var h1 = first.forward(x) + Interface.BcastRight(t, x);
            var h2 = second.forward(h1.tanh());
            return new NetworkOutput(h2, ReturnFeatures ? [h1, h2] : []);
        }
    }

    sealed class FunctionEncoder(int featureDim, Func<Tensor, Tensor> encode) : IFeatureEncoder
    {
        public int FeatureDim => featureDim;
        public Tensor Encode(Tensor x) => encode(x);
    }

    static readonly SiTOptions Options = new() { DType = ScalarType.Float64, Seed = 9 };

    [Fact]
    public void FeaturesParallelToTheProjectionGiveAnAlignmentLossOfMinusOne()
    {
        using var scope = NewDisposeScope();
        var network = new TokenNetwork();
        Repa<SiTInterface>? repa = null;
        // The encoder returns 3 × the projection of the features the loss will see (same seed → same draws).
        var twin = new SiTInterface(new TokenNetwork(), TimeDist.Uniform, Options);
        var encoder = new FunctionEncoder(6, x =>
        {
            var t = Interface.TShift(twin.SampleT(x.shape[0]), twin.ResolutionShift(x));
            var xt = twin.SampleXt(x, twin.SampleN(x.shape), t);
            var h1 = network.Forward(xt, t, Conditioning.None).Features[0];
            return 3 * repa!.Projector.forward(h1);
        });
        repa = new Repa<SiTInterface>(new SiTInterface(network, TimeDist.Uniform, Options), encoder, new RepaOptions { Depth = 1, ProjectionDim = 8, LossWeight = 0.25 });

        var loss = repa.Loss(randn(5, 4, 4, float64));

        TensorAssert.Close(full(5, -1.0, float64), loss["repa_loss"], 1e-12);
        TensorAssert.Close(loss["diffusion_loss"] - 0.25, loss.Loss, 1e-12);
        Assert.Equal(new[] { "loss", "diffusion_loss", "repa_loss" }, loss.Keys);
    }

    [Fact]
    public void AlignmentIsTheMeanNegativeCosinePerToken()
    {
        using var scope = NewDisposeScope();
        var network = new TokenNetwork();
        var target = randn(5, 4, 3, float64);
        var repa = new Repa<SiTInterface>(new SiTInterface(network, TimeDist.Uniform, Options), new FunctionEncoder(3, _ => target),
            new RepaOptions { Depth = 2, ProjectionDim = 8 });

        var loss = repa.Loss(randn(5, 4, 4, float64));

        var projected = repa.Projector.forward(loss.Features[1]);
        var cosine = (projected * target).sum(-1) / (projected.square().sum(-1).sqrt() * target.square().sum(-1).sqrt());
        TensorAssert.Close(-cosine.mean([1]), loss["repa_loss"], 1e-12);
    }

    [Fact]
    public void PredAndScoreAreTheInnerInterfacesAndTheProjectorIsTrainable()
    {
        using var scope = NewDisposeScope();
        var network = new TokenNetwork();
        var inner = new SiTInterface(network, TimeDist.Uniform, Options);
        var repa = new Repa<SiTInterface>(inner, new FunctionEncoder(3, x => x[.., .., ..3]), new RepaOptions { Depth = 1, ProjectionDim = 8 });
        var xt = randn(2, 4, 4, float64);
        var t = tensor(new[] { 0.3, 0.7 });

        TensorAssert.Close(inner.Pred(xt, t), repa.Pred(xt, t), 0);
        TensorAssert.Close(inner.Score(xt, t), repa.Score(xt, t), 0);
        var trainable = repa.TrainableModule.parameters().Count();
        Assert.Equal(network.parameters().Count() + repa.Projector.parameters().Count(), trainable);
    }

    [Fact]
    public void ANetworkWithoutFeaturesIsRejected()
    {
        var inner = new SiTInterface(new LambdaNetwork((x, t, c) => x), TimeDist.Uniform);
        var error = Assert.Throws<ArgumentException>(() => new Repa<SiTInterface>(inner, new FunctionEncoder(3, x => x)));
        Assert.Contains(nameof(IFeatureNetwork), error.Message);
        Assert.Contains("LambdaNetwork", error.Message);
    }
}
