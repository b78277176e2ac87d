using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Parity;

/// <summary>
/// Our SiT, EDM and MeanFlow losses against an independent PyTorch implementation of the papers' definitions
/// (Parity/python/losses.py), for fixed inputs (x, noise, t, r, σ) and a fixed 2-layer MLP that both sides define.
/// The inputs enter through the interfaces' own draws (SampleT, SampleN overridden to return them), so the real
/// <c>Loss</c> code runs: the path, the target, the preconditioning, the JVP and the weights.
/// <para>
/// Where our conventions differ from the papers the comparison is made where they must agree: the resolution time shift
/// of SiT (not in the SiT paper) is made the identity (TShiftBase = the sample size); MeanFlow's network takes (t, dt = t − r)
/// where the paper's takes (r, t), and its JVP along (v, dt = 1, dr = 0) is the paper's along (v, dr = 0, dt = 1) of the
/// same function; condition dropout, guidance and the flow-matching portion are off (FmPortion 0), so every sample
/// uses its own r. Both sides compute in float64 (our interfaces with DType Float64); the goldens are float32, so the
/// tolerance is float32 rounding: 1e-6 relative plus 1e-6 absolute.
/// </para>
/// </summary>
public class LossParityTests
{
    const string Script = "losses.py";
    const double Tolerance = 1e-6;

    static Tensor Golden(string name) => PythonReference.Load(Script, name).to_type(ScalarType.Float64);

    static GoldenMlp Network() => new(Safetensors.LoadStateDict(Path.Combine(PythonReference.Goldens(Script), "mlp.safetensors")));

    static double SampleSize => Golden("x").shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    [Fact]
    public void SiTLossMatchesTheLinearInterpolantWithVelocityTarget()
    {
        using var scope = NewDisposeScope();
        var model = new FixedSiT(Network(), Golden("t"), Golden("noise"), new SiTOptions { DType = ScalarType.Float64, TShiftBase = SampleSize });
        var loss = model.Loss(Golden("x"));
        TensorAssert.Close(Golden("sit_loss"), loss.Loss, Tolerance, Tolerance);
    }

    [Fact]
    public void EdmLossMatchesKarrasPreconditioningAndWeight()
    {
        using var scope = NewDisposeScope();
        var model = new FixedEdm(Network(), Golden("sigma"), Golden("noise"), new EdmOptions { DType = ScalarType.Float64, XSigma = 0.5, TMu = -1.2, TSigma = 1.2 });
        var loss = model.Loss(Golden("x"));
        TensorAssert.Close(Golden("edm_denoised"), loss.NetworkOutput, Tolerance, Tolerance);
        TensorAssert.Close(Golden("edm_loss"), loss.Loss, Tolerance, Tolerance);
    }

    [Theory]
    [InlineData("forward_mode")]
    [InlineData("double_vjp")]
    public void MeanFlowTargetAndAdaptivelyWeightedLossMatchTheForwardModeReference(string jvp)
    {
        using var scope = NewDisposeScope();
        var cp = TensorAssert.Values(Golden("meanflow_cp"));
        var options = new MeanFlowOptions
        {
            DType = ScalarType.Float64, TShiftBase = SampleSize, FmPortion = 0, CondDropRatio = 0, GuidanceScale = 1, GuidanceMixtureRatio = 0,
            NormEps = cp[0], NormPower = cp[1], JvpMethod = jvp,
        };
        Tensor x = Golden("x"), noise = Golden("noise"), t = Golden("t"), r = Golden("r");
        var model = new FixedMeanFlow(Network(), t, r, noise, options);

        var (u, target) = model.Target(x, noise, t, r);
        TensorAssert.Close(Golden("meanflow_u"), u, Tolerance, Tolerance);
        TensorAssert.Close(Golden("meanflow_target"), target, Tolerance, Tolerance);

        var loss = model.Loss(x);
        TensorAssert.Close(Golden("meanflow_unweighted"), loss[MeanFlowInterface.UnweightedLossKey], Tolerance, Tolerance);
        TensorAssert.Close(Golden("meanflow_loss"), loss.Loss, Tolerance, Tolerance);
    }

    sealed class FixedSiT(IDiffusionNetwork network, Tensor t, Tensor noise, SiTOptions options) : SiTInterface(network, TimeDist.Uniform, options)
    {
        public override Tensor SampleT(params long[] shape) => t;
        public override Tensor SampleN(params long[] shape) => noise;
    }

    sealed class FixedEdm(IDiffusionNetwork network, Tensor sigma, Tensor noise, EdmOptions options) : EdmInterface(network, TimeDist.LogNormal, options)
    {
        public override Tensor SampleT(params long[] shape) => sigma;
        public override Tensor SampleN(params long[] shape) => noise;
    }

    /// <summary>SampleTR draws two times and takes t = max, r = min: the first draw returns t, the second r.</summary>
    sealed class FixedMeanFlow(IDiffusionNetwork network, Tensor t, Tensor r, Tensor noise, MeanFlowOptions options) : MeanFlowInterface(network, TimeDist.Uniform, options)
    {
        int draws;
        public override Tensor SampleT(params long[] shape) => draws++ % 2 == 0 ? t : r;
        public override Tensor SampleN(params long[] shape) => noise;
    }

    /// <summary>
    /// The fixture's network, F(x, a, b) = W2·tanh(W1·[flatten(x), a, b] + b1) + b2 reshaped to x's shape, in float64, with
    /// a = the time input and b = dt (0 when absent). Its forward-mode rule: dF = W2·((1 − tanh²)⊙W1·[dx, da, db]).
    /// </summary>
    sealed class GoldenMlp(IReadOnlyDictionary<string, Tensor> weights) : ITangentNetwork
    {
        readonly Tensor w1 = weights["w1"].to_type(ScalarType.Float64), b1 = weights["b1"].to_type(ScalarType.Float64);
        readonly Tensor w2 = weights["w2"].to_type(ScalarType.Float64), b2 = weights["b2"].to_type(ScalarType.Float64);

        public int? NumClasses => null;

        static Tensor Inputs(Tensor x, Tensor a, Tensor? b) =>
            cat([x.flatten(1), a.unsqueeze(1), (b ?? zeros_like(a)).unsqueeze(1)], 1);

        public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond) =>
            new(nn.functional.linear(nn.functional.linear(Inputs(x, t, cond.Dt), w1, b1).tanh(), w2, b2).reshape(x.shape));

        public (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent)
        {
            var hidden = nn.functional.linear(Inputs(x, t, cond.Dt), w1, b1).tanh();
            var output = nn.functional.linear(hidden, w2, b2).reshape(x.shape);
            using var _ = no_grad();
            var dHidden = (1 - hidden.square()) * nn.functional.linear(Inputs(tangent.X, tangent.T, tangent.Dt), w1);
            return (new NetworkOutput(output), nn.functional.linear(dHidden, w2).reshape(x.shape));
        }
    }
}
