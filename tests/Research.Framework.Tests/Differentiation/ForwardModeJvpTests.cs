using Research.Framework.Compute;
using Research.Framework.Differentiation;
using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Differentiation;

/// <summary>
/// The forward-mode JVP (each layer's tangent rule) against two independent computations in float64: the double-VJP
/// (autograd's reverse mode, twice) and a central finite difference of the plain forward (ε = 1e-6, error O(ε²) ≈ 1e-12
/// relative plus round-off ≈ 1e-10), on ToyMlp, on a tiny DiT with and without dt, through the preconditioning chain
/// rule of EDM, and through the MeanFlow and sCT losses (same loss, same gradients). Weights are randomised: at init
/// adaLN-Zero makes a DiT's output and tangent exactly 0, and a check of zeros could not fail. In the JVP collection:
/// the double-VJP runs through attention, which must not meet the flash-attention test on another thread.
/// </summary>
[Collection(nameof(JvpTests))]
public class ForwardModeJvpTests
{
    const ScalarType F64 = ScalarType.Float64;

    /// <summary>x, t, dt with their tangents, and the network as a JVP function of them with its forward-mode rule.</summary>
    static (JvpFunction Function, Tensor[] Primals, Tensor[] Tangents) Problem(ITangentNetwork network, long[] shape, Tensor? labels, long seed)
    {
        using var generator = new Generator((ulong)seed);
        long batch = shape[0];
        Tensor[] primals = [randn(shape, F64, generator: generator), rand([batch], F64, generator: generator), rand([batch], F64, generator: generator) * 0.5];
        Tensor[] tangents = [randn(shape, F64, generator: generator), randn([batch], F64, generator: generator), randn([batch], F64, generator: generator)];
        var cond = new Conditioning(Labels: labels);
        var function = new JvpFunction(
            p => network.Forward(p[0], p[1], cond with { Dt = p[2] }).Output,
            (p, d) =>
            {
                var (output, tangent) = network.ForwardWithTangent(p[0], p[1], cond with { Dt = p[2] }, new NetworkTangent(d[0], d[1], d[2]));
                return new JvpResult(output.Output, tangent);
            });
        return (function, primals, tangents);
    }

    /// <summary>Forward mode = double-VJP (to round-off) = central difference (to O(ε²)), the primal is Forward's, attached.</summary>
    internal static void AssertExact(ITangentNetwork network, long[] shape, Tensor? labels, long seed)
    {
        var (function, primals, tangents) = Problem(network, shape, labels, seed);
        var forward = JvpStrategy.ForwardMode.Compute(function, primals, tangents);
        var reverse = JvpStrategy.DoubleVjp.Compute(function.Evaluate, primals, tangents);
        var difference = new FiniteDifferenceJvp(1e-6).Compute(function.Evaluate, primals, tangents);

        Assert.True(TensorAssert.Scalar(forward.Tangent.abs().max()) > 1e-2, "the tangent is not trivially zero");
        TensorAssert.Close(reverse.Tangent, forward.Tangent, 1e-11, 1e-9);
        TensorAssert.Close(difference.Tangent, forward.Tangent, 1e-8, 1e-7);
        using (no_grad()) TensorAssert.Close(function.Evaluate(primals), forward.Output, 1e-14);
        Assert.True(forward.Output.requires_grad, "the primal output keeps its graph for the loss's gradient");
        Assert.False(forward.Tangent.requires_grad);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, 3)]
    public void ToyMlpTangentIsExact(bool takeDt, int? classes)
    {
        using var scope = NewDisposeScope();
        using var network = new ToyMlp(new ToyMlpOptions { Dim = 2, Hidden = 24, Depth = 2, TakeDt = takeDt, NumClasses = classes, TimeScale = 10, Seed = 5 });
        network.to(F64).eval();
        var labels = classes is null ? null : tensor(new long[] { 0, 1, 2, 3, 1 });
        AssertExact(network, [5, 2], labels, seed: 31);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, 5)]
    public void DiTTangentIsExact(bool takeDt, int? classes)
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(NetworkFactory.Tiny with { TakeDt = takeDt, NumClasses = classes });
        NetworkFactory.Randomize(network, 9, std: 0.2);
        network.to(F64).eval();
        var labels = classes is null ? null : tensor(new long[] { 0, 4, 5 });
        AssertExact(network, [3, 3, 8, 8], labels, seed: 32);
    }

    [Fact]
    public void DiTFeaturesComeFromThePrimalPass()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(NetworkFactory.Tiny with { NumClasses = null });
        NetworkFactory.Randomize(network, 9);
        network.to(F64).eval();
        network.ReturnFeatures = true;
        var (x, t) = (randn(2, 3, 8, 8, F64), rand(2, F64));
        var plain = network.Forward(x, t, Conditioning.None);
        var (output, _) = network.ForwardWithTangent(x, t, Conditioning.None, new NetworkTangent(randn(2, 3, 8, 8, F64), ones(2, F64)));
        Assert.Equal(plain.Features.Count, output.Features.Count);
        for (int i = 0; i < plain.Features.Count; i++) TensorAssert.Close(plain.Features[i], output.Features[i], 1e-14);
    }

    /// <summary>
    /// EDM's preconditioning depends on t (c_in = 1/√(t² + σ_d²), c_noise = ln t / 4), so its chain rule is exercised:
    /// the interface's forward-mode JVP of F(c_in(t)·x_t, c_noise(t)) equals the double-VJP of the same composition.
    /// </summary>
    [Fact]
    public void PreconditioningTangentFollowsTheChainRule()
    {
        using var scope = NewDisposeScope();
        using var network = new ToyMlp(new ToyMlpOptions { Dim = 2, Hidden = 24, Depth = 2, TimeScale = 10, Seed = 6 });
        network.to(F64);
        var edm = new ProbeEdm(network);
        var xt = randn(6, 2, F64) * 2;
        var t = tensor(new[] { 0.05, 0.3, 0.8, 1.5, 4.0, 20.0 });
        var (dx, dt) = (randn(6, 2, F64), randn(6, F64));

        var forward = JvpStrategy.ForwardMode.Compute(edm.Function(), [xt, t], [dx, dt]);
        var reverse = JvpStrategy.DoubleVjp.Compute(edm.Function().Evaluate, [xt, t], [dx, dt]);

        TensorAssert.Close(reverse.Tangent, forward.Tangent, 1e-11, 1e-9);
        // Without the c_in′ and c_noise′ terms the tangent would be far off: the t-direction part alone is large.
        var xOnly = JvpStrategy.DoubleVjp.Compute(edm.Function().Evaluate, [xt, t], [dx, zeros_like(dt)]);
        Assert.True(TensorAssert.Scalar((forward.Tangent - xOnly.Tangent).abs().max()) > 1e-2);
    }

    sealed class ProbeEdm(IDiffusionNetwork network) : EdmInterface(network, TimeDist.LogNormal, new EdmOptions { DType = F64 })
    {
        public JvpFunction Function() => new(
            p => RunNetwork(p[0], p[1], CNoise(p[1]), Conditioning.None).Output,
            (p, d) =>
            {
                var (output, tangent) = RunNetworkWithTangent(p[0], p[1], Conditioning.None, d[0], d[1]);
                return new JvpResult(output.Output, tangent);
            });
    }

    [Fact]
    public void ElementwiseDerivativeMatchesClosedForms()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new[] { 0.1, 0.5, 2.0 });
        TensorAssert.Close(1 / (4 * t), ElementwiseDerivative.At(time => time.log() / 4, t)!, 1e-15);
        TensorAssert.Close(-t * (t.square() + 0.25).pow(-1.5), ElementwiseDerivative.At(time => (time.square() + 0.25).rsqrt(), t)!, 1e-14);
        Assert.Null(ElementwiseDerivative.At(time => ones_like(time), t));
        Assert.Throws<InvalidOperationException>(() => ElementwiseDerivative.At(time => time.sum(), t));
    }

    [Fact]
    public void WithoutARuleItIsTheDoubleVjp()
    {
        using var scope = NewDisposeScope();
        var (a, v) = (randn(4, F64), randn(4, F64));
        var result = JvpStrategy.Parse("forward_mode").Compute(p => p[0].sin(), [a], [v]);
        TensorAssert.Close(a.cos() * v, result.Tangent, 1e-15);
        Assert.IsType<ForwardModeJvp>(JvpStrategy.Parse("Forward-Mode"));
        Assert.Contains("forward_mode", Assert.Throws<ArgumentException>(() => JvpStrategy.Parse("forwards")).Message);
    }

    [Fact]
    public void ARuleWithTheWrongShapeIsRefused()
    {
        using var scope = NewDisposeScope();
        var a = randn(4, F64);
        var function = new JvpFunction(p => p[0] * 2, (p, d) => new JvpResult(p[0] * 2, d[0][..2]));
        Assert.Contains("shape", Assert.Throws<InvalidOperationException>(() => JvpStrategy.ForwardMode.Compute(function, [a], [a])).Message);
    }

    /// <summary>Counts the forward-mode calls, so a test knows the rule (not the double-VJP fallback) ran.</summary>
    sealed class Counting(ITangentNetwork inner) : ITangentNetwork, ILogVarianceNetwork
    {
        public int TangentCalls { get; private set; }
        public int? NumClasses => inner.NumClasses;
        public bool HasLogVariance => inner is ILogVarianceNetwork { HasLogVariance: true };
        public Tensor LogVariance(Tensor cNoise) => ((ILogVarianceNetwork)inner).LogVariance(cNoise);
        public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond) => inner.Forward(x, t, cond);
        public (NetworkOutput Output, Tensor Tangent) ForwardWithTangent(Tensor x, Tensor t, Conditioning cond, NetworkTangent tangent)
        {
            TangentCalls++;
            return inner.ForwardWithTangent(x, t, cond, tangent);
        }
    }

    static DiT MeanFlowDiT()
    {
        var network = new DiT(NetworkFactory.Tiny with { TakeDt = true, ClassDropoutProb = 0 });
        NetworkFactory.Randomize(network, 12, std: 0.15);
        network.to(F64);
        return network;
    }

    /// <summary>(loss, every parameter's gradient) of one loss evaluation.</summary>
    static (double Loss, Tensor[] Gradients) LossAndGradients(nn.Module module, Func<Tensor> loss)
    {
        module.zero_grad();
        var value = loss();
        value.backward();
        return (TensorAssert.Scalar(value), module.parameters().Select(p => p.grad!.clone()).ToArray());
    }

    static void AssertSame((double Loss, Tensor[] Gradients) expected, (double Loss, Tensor[] Gradients) actual)
    {
        TensorAssert.Close(expected.Loss, actual.Loss, 1e-10 * Math.Abs(expected.Loss), "loss");
        Assert.Equal(expected.Gradients.Length, actual.Gradients.Length);
        for (int i = 0; i < expected.Gradients.Length; i++) TensorAssert.Close(expected.Gradients[i], actual.Gradients[i], 1e-10, 1e-8);
    }

    /// <summary>
    /// The MeanFlow loss of a conditional DiT with dt, guided target and condition drops: the same loss and the same gradients
    /// with the forward-mode rule as with the double-VJP, and the rule did run. FmPortion 0 so every sample has r &lt; t
    /// and the tangent enters each target.
    /// </summary>
    [Fact]
    public void MeanFlowLossAndGradientsMatchTheDoubleVjp()
    {
        using var scope = NewDisposeScope();
        using var network = MeanFlowDiT();
        var counting = new Counting(network);
        var x = randn(4, 3, 8, 8, F64);
        var labels = new Conditioning(Labels: tensor(new long[] { 0, 1, 2, 3 }));
        MeanFlowInterface MeanFlow(JvpStrategy jvp) =>
            new(counting, TimeDist.LogitNormal, new MeanFlowOptions { Seed = 1, DType = F64, FmPortion = 0, GuidanceScale = 2, Jvp = jvp });

        var reverse = LossAndGradients(network, () => MeanFlow(JvpStrategy.DoubleVjp).Loss(x, labels).Loss.sum());
        Assert.Equal(0, counting.TangentCalls);
        var forward = LossAndGradients(network, () => MeanFlow(JvpStrategy.ForwardMode).Loss(x, labels).Loss.sum());
        Assert.Equal(1, counting.TangentCalls);

        AssertSame(reverse, forward);
        Assert.True(forward.Gradients.All(g => TensorAssert.Scalar(g.abs().sum()) > 0), "every parameter gets a gradient");
    }

    /// <summary>The same on the toy MeanFlow model (an unconditional ToyMlp with dt), through MeanFlow's own default strategy.</summary>
    [Fact]
    public void ToyMeanFlowDefaultsToTheForwardModeRule()
    {
        using var scope = NewDisposeScope();
        using var network = new ToyMlp(new ToyMlpOptions { Hidden = 32, Depth = 2, TakeDt = true, Seed = 4 });
        network.to(F64);
        var counting = new Counting(network);
        var x = randn(8, 2, F64);
        var options = new MeanFlowOptions { Seed = 2, DType = F64, FmPortion = 0.25, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0 };

        var reverse = LossAndGradients(network, () => new MeanFlowInterface(counting, TimeDist.Uniform, options with { Jvp = JvpStrategy.DoubleVjp }).Loss(x).Loss.sum());
        var forward = LossAndGradients(network, () => new MeanFlowInterface(counting, TimeDist.Uniform, options).Loss(x).Loss.sum());

        Assert.Equal(1, counting.TangentCalls);
        AssertSame(reverse, forward);
    }

    /// <summary>The sCT loss (log-variance weight on, mid warm-up) of a DiT: same loss and gradients as with the double-VJP.</summary>
    [Fact]
    public void SctLossAndGradientsMatchTheDoubleVjp()
    {
        using var scope = NewDisposeScope();
        using var network = new DiT(NetworkFactory.Tiny with { NumClasses = null, LogVarianceHead = true });
        NetworkFactory.Randomize(network, 13, std: 0.15);
        network.to(F64);
        var counting = new Counting(network);
        var x = randn(4, 3, 8, 8, F64) * 0.5;
        var context = new TrainingContext(30, 1000);
        SctInterface Sct(JvpStrategy jvp) => new(counting, TimeDist.LogNormal, new SctOptions { Seed = 3, DType = F64, WarmupSteps = 100, Jvp = jvp });

        var reverse = LossAndGradients(network, () => Sct(JvpStrategy.DoubleVjp).Loss(x, null, context).Loss.sum());
        var forward = LossAndGradients(network, () => Sct(JvpStrategy.ForwardMode).Loss(x, null, context).Loss.sum());

        Assert.Equal(1, counting.TangentCalls);
        AssertSame(reverse, forward);
    }
    /// <summary>
    /// A bf16 network behind a float32 interface (--Precision bf16): the forward-mode rule gets its inputs and tangents cast
    /// to bf16 as the plain forward does (a float32 tensor meeting bf16 weights aborts the process), and its tangent is
    /// the float32 network's (same bf16-rounded weights) to bf16 accuracy, as the double-VJP's is; the tangent comes back float32.
    /// Measured: both within 1% of the tangent's largest entry (tolerance 5%). TimeScale 1: at ToyMlp's default 1000 the
    /// bf16 time input alone moves the tangent by its own size, for either strategy.
    /// </summary>
    [Fact]
    public void ABf16NetworkGetsItsTangentInputsInItsOwnType()
    {
        using var scope = NewDisposeScope();
        using var network = new ToyMlp(new ToyMlpOptions { Dim = 2, Hidden = 32, Depth = 2, NumClasses = null, TimeScale = 1, Seed = 7 });
        using (no_grad())
            foreach (var p in network.parameters()) p.copy_(p.to_type(ScalarType.BFloat16));
        SctInterface Sct(JvpStrategy jvp) => new(network, TimeDist.LogNormal, new SctOptions { Seed = 3, DType = ScalarType.Float32, LogVarianceWeighting = false, Jvp = jvp });
        using var generator = new Generator(8);
        var (xt, dxdt) = (randn([16, 2], generator: generator), randn([16, 2], generator: generator));
        var t = rand([16], generator: generator) * 1.4 + 0.05;
        var reference = Sct(JvpStrategy.ForwardMode).Direction(xt, t, dxdt, 1).Tangent;
        double size = TensorAssert.Scalar(reference.abs().max());
        Assert.True(size > 1e-2, "the tangent is not trivially zero");

        ModelPlacement.Place(Sct(JvpStrategy.ForwardMode), ScalarType.BFloat16);
        foreach (var jvp in new[] { JvpStrategy.ForwardMode, JvpStrategy.DoubleVjp })
        {
            var tangent = Sct(jvp).Direction(xt, t, dxdt, 1).Tangent;
            Assert.Equal(ScalarType.Float32, tangent.dtype);
            TensorAssert.Close(reference, tangent, 0.05 * size);
        }
    }
}
