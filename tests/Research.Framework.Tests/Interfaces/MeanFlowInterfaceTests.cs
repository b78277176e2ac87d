using Research.Framework.Differentiation;
using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class MeanFlowInterfaceTests
{
    /// <summary>Guidance and condition dropout off: no null label is needed.</summary>
    internal static readonly MeanFlowOptions Plain = new()
    {
        DType = ScalarType.Float64, Seed = 21, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0,
    };

    internal static MeanFlowInterface Make(Func<Tensor, Tensor, Conditioning, Tensor> f, MeanFlowOptions options, int? numClasses = null) =>
        new(new LambdaNetwork(f, numClasses), TimeDist.Uniform, options);

    [Fact]
    public void SampleTROrdersTimesAndGivesTheFlowMatchingPortionRIsT()
    {
        using var scope = NewDisposeScope();
        var options = Plain with { FmPortion = 0.25 };
        var meanFlow = Make((x, t, c) => x, options);
        var twin = Make((x, t, c) => x, options);

        var (t, r) = meanFlow.SampleTR(10);

        var a = twin.SampleT(10);
        var b = twin.SampleT(10);
        TensorAssert.Close(maximum(a, b), t, 0);
        var tv = TensorAssert.Values(t);
        var rv = TensorAssert.Values(r);
        var smaller = TensorAssert.Values(minimum(a, b));
        for (int i = 0; i < 10; i++)
            Assert.Equal(i < 2 ? tv[i] : smaller[i], rv[i]); // floor(10·0.25) = 2 flow-matching samples
    }

    [Fact]
    public void WithOnlyFlowMatchingTheTargetIsNoiseMinusData()
    {
        using var scope = NewDisposeScope();
        var x = randn(6, 3, float64);
        var n = randn(6, 3, float64);
        var meanFlow = Make((input, t, c) => (n - x) * Interface.BcastRight(t.exp(), input), Plain with { FmPortion = 1 });
        var t = rand(6, float64);

        var (u, target) = meanFlow.Target(x, n, t, t);

        TensorAssert.Close(n - x, target, 1e-15);
        TensorAssert.Close((n - x) * t.exp().reshape(6, 1), u, 1e-15);
    }

    /// <summary>
    /// The MeanFlow identity u = v − (t − r)·du/dt holds for the exact average velocity. For data N(0, s²) the marginal
    /// velocity is v(z, t) = k(t)·z with k = V'/(2V), V(t) = (1 − t)²s² + t², so the flow scales z by √(V(r)/V(t)) and
    /// u(z, t, r) = z·(1 − √(V(r)/V(t)))/(t − r). Choosing x and n with n − x = k(t)·z at x_t = z, the target must equal u.
    /// </summary>
    [Theory]
    [InlineData("double_vjp", 1e-10)]
    [InlineData("finite_difference", 1e-7)]
    public void TargetEqualsTheExactAverageVelocityOfGaussianData(string strategy, double tolerance)
    {
        using var scope = NewDisposeScope();
        const double s = 0.6;
        static Tensor V(Tensor t) => (1 - t).square() * s * s + t.square();
        static Tensor K(Tensor t) => (t - (1 - t) * s * s) / V(t);
        static Tensor Average(Tensor z, Tensor t, Tensor dt) =>
            z * Interface.BcastRight((1 - (V(t - dt) / V(t)).sqrt()) / dt, z);

        var meanFlow = Make((z, t, c) => Average(z, t, c.Dt!), Plain with { Jvp = JvpStrategy.Parse(strategy) });
        var z = randn(40, 2, float64);
        var t = rand(40, float64) * 0.6 + 0.35;
        var r = (t - 0.1) * rand(40, float64);
        var k = K(t).reshape(40, 1);
        var x = z * (1 - t.reshape(40, 1) * k);
        var n = x + k * z;

        var (u, target) = meanFlow.Target(x, n, t, r);

        TensorAssert.Close(Average(z, t, t - r), u, 1e-12);
        TensorAssert.Close(u, target, tolerance);
    }

    /// <summary>The target's du/dt against a central difference computed here, by calling the network directly.</summary>
    [Fact]
    public void TargetMatchesAnIndependentFiniteDifference()
    {
        using var scope = NewDisposeScope();
        var w = randn(3, 3, float64);
        Tensor Network(Tensor z, Tensor t, Tensor dt) =>
            (z.matmul(w) * Interface.BcastRight(t, z)).tanh() + Interface.BcastRight(dt.square() + t.sin(), z) * z;
        var meanFlow = Make((z, t, c) => Network(z, t, c.Dt!), Plain);
        var x = randn(8, 3, float64);
        var n = randn(8, 3, float64);
        var t = rand(8, float64) * 0.8 + 0.2;
        var r = t * rand(8, float64);

        var (_, target) = meanFlow.Target(x, n, t, r);

        // Along (dx_t, dt, dr) = (v, 1, 0): dt = t − r moves with t.
        const double h = 1e-5;
        var v = n - x;
        var xt = (1 - t.reshape(8, 1)) * x + t.reshape(8, 1) * n;
        var dudt = (Network(xt + h * v, t + h, t + h - r) - Network(xt - h * v, t - h, t - h - r)) / (2 * h);
        TensorAssert.Close(v - (t - r).reshape(8, 1) * dudt, target, 1e-8);
    }

    [Fact]
    public void GuidanceMixesConditionalAndUnconditionalVelocitiesInsideTheWindowWithoutGradient()
    {
        using var scope = NewDisposeScope();
        const int classes = 3;
        var gradientEnabled = new List<bool>();
        // u depends on the label only: class 1 → 1, the null label (3) → −2.
        var meanFlow = Make((z, t, c) =>
        {
            gradientEnabled.Add(is_grad_enabled());
            var level = where(c.Labels!.eq(classes), tensor(-2.0), tensor(1.0));
            return Interface.BcastRight(level, z) * ones_like(z);
        }, Plain with { FmPortion = 1, GuidanceScale = 1.5, GuidanceMixtureRatio = 0.3, GuidanceTMin = 0.3, GuidanceTMax = 0.7 }, classes);
        var x = zeros(4, 2, float64);
        var n = ones(4, 2, float64);
        var t = tensor(new[] { 0.1, 0.3, 0.5, 0.9 });

        var (_, target) = meanFlow.Target(x, n, t, t, new Conditioning(Labels: ones(4, int64)));

        // v = n − x = 1; inside [0.3, 0.7]: ω·v + (1 − ω − κ)·u_uncond + κ·u_cond = 1.5 + (−0.8)(−2) + 0.3 = 3.4.
        TensorAssert.Close(tensor(new[] { 1.0, 3.4, 3.4, 1.0 }).reshape(4, 1).expand(4, 2), target, 1e-12);
        Assert.Equal(new[] { false, false, true }, gradientEnabled); // u_uncond, u_cond, then the JVP call
    }

    [Fact]
    public void GuidanceWithoutMixtureIsClassifierFreeGuidance()
    {
        using var scope = NewDisposeScope();
        var meanFlow = Make((z, t, c) => Interface.BcastRight(where(c.Labels!.eq(5), tensor(-2.0), tensor(1.0)), z) * ones_like(z),
            Plain with { FmPortion = 1, GuidanceScale = 3, GuidanceMixtureRatio = 0 }, numClasses: 5);
        var (_, target) = meanFlow.Target(zeros(2, 2, float64), ones(2, 2, float64), tensor(new[] { 0.2, 0.6 }), tensor(new[] { 0.2, 0.6 }),
            new Conditioning(Labels: zeros(2, int64)));
        // u_uncond + ω·(v − u_uncond) = −2 + 3·(1 + 2) = 7.
        TensorAssert.Close(full(2, 2, 7.0, float64), target, 1e-12);
    }

    /// <summary>
    /// Over 20 batches of 500 (N = 10,000 samples) the dropped fraction is within five standard errors
    /// (5·√(p(1 − p)/N) ≈ 0.022 for p = 0.3) of CondDropRatio, dropped samples form a prefix of the batch, and their
    /// target is the unguided n − x while the others keep the guided one.
    /// </summary>
    [Fact]
    public void ConditionDropRateMatchesTheRatioAndDroppedTargetsAreUnguided()
    {
        using var scope = NewDisposeScope();
        const int classes = 4, batch = 500, rounds = 20;
        const double ratio = 0.3;
        Tensor? lastLabels = null;
        var meanFlow = Make((z, t, c) =>
        {
            if (is_grad_enabled()) lastLabels = c.Labels!.clone();
            return Interface.BcastRight(where(c.Labels!.eq(classes), tensor(-2.0), tensor(1.0)), z) * ones_like(z);
        }, Plain with { FmPortion = 1, GuidanceScale = 2, GuidanceMixtureRatio = 0, CondDropRatio = ratio }, classes);

        long dropped = 0;
        for (int round = 0; round < rounds; round++)
        {
            using var roundScope = NewDisposeScope();
            var x = zeros(batch, 1, float64);
            var n = ones(batch, 1, float64);
            var t = rand(batch, float64);
            var (_, target) = meanFlow.Target(x, n, t, t, new Conditioning(Labels: zeros(batch, int64)));
            var isNull = TensorAssert.Values(lastLabels!.eq(classes).to_type(ScalarType.Float64));
            int count = isNull.Count(v => v == 1);
            Assert.All(isNull.Take(count), v => Assert.Equal(1, v));
            Assert.All(isNull.Skip(count), v => Assert.Equal(0, v));
            var targets = TensorAssert.Values(target);
            Assert.All(targets.Take(count), v => Assert.Equal(1.0, v, 12));          // n − x
            Assert.All(targets.Skip(count), v => Assert.Equal(-2 + 2 * 3.0, v, 12)); // u_uncond + ω(v − u_uncond)
            dropped += count;
        }

        double rate = dropped / (double)(batch * rounds);
        TensorAssert.Close(ratio, rate, 5 * Math.Sqrt(ratio * (1 - ratio) / (batch * rounds)), "condition drop rate");
    }

    [Fact]
    public void LossIsTheSumLossWithAStopGradientAdaptiveWeight()
    {
        using var scope = NewDisposeScope();
        var theta = tensor(0.7, float64, requires_grad: true);
        var options = Plain with { FmPortion = 1, NormEps = 0.01, NormPower = 1 };
        var meanFlow = Make((z, t, c) => theta * z, options);
        var twin = Make((z, t, c) => z, options);
        var x = randn(5, 3, float64);

        var loss = meanFlow.Loss(x);
        loss.Loss.sum().backward();

        var (t, _) = twin.SampleTR(5);
        var n = twin.SampleN(5, 3);
        var xt = (1 - t.reshape(5, 1)) * x + t.reshape(5, 1) * n;
        var residual = 0.7 * xt - (n - x);
        var perSample = residual.square().sum([1]);
        TensorAssert.Close(perSample / (perSample + 0.01), loss.Loss, 1e-12);
        TensorAssert.Close(perSample, loss[MeanFlowInterface.UnweightedLossKey], 1e-12); // the metric that is not ≈ 1
        Assert.False(loss[MeanFlowInterface.UnweightedLossKey].requires_grad);
        // With the weight held constant: d/dθ Σ w·L = Σ w·2·Σ(residual·x_t).
        double expectedGradient = TensorAssert.Scalar((2 * (residual * xt).sum([1]) / (perSample + 0.01)).sum());
        Assert.Equal(expectedGradient, TensorAssert.Scalar(theta.grad!), 10);
    }

    [Fact]
    public void PredPassesTheJumpAsDtAndSingleTimePredIsInstantaneous()
    {
        using var scope = NewDisposeScope();
        var meanFlow = Make((z, t, c) => z * Interface.BcastRight(c.Dt!, z) + Interface.BcastRight(t, z), Plain);
        var z = ones(2, 2, float64);
        var t = tensor(new[] { 0.9, 0.5 });
        var r = tensor(new[] { 0.4, 0.5 });
        TensorAssert.Close(tensor(new[] { 1.4, 1.4, 0.5, 0.5 }).reshape(2, 2), meanFlow.Pred(z, t, r), 1e-15);
        TensorAssert.Close(tensor(new[] { 0.9, 0.9, 0.5, 0.5 }).reshape(2, 2), meanFlow.Pred(z, t), 1e-15);
    }

    [Fact]
    public void ScoreUsesTheInstantaneousVelocity()
    {
        using var scope = NewDisposeScope();
        // u(z, t, r) = c·z with c = 2 + dt; at r = t: v = 2z, score = −(z + (1 − t)·2z)/t.
        var meanFlow = Make((z, t, c) => z * Interface.BcastRight(2 + c.Dt!, z), Plain);
        var z = randn(3, 2, float64);
        var t = tensor(new[] { 0.2, 0.5, 0.9 }).reshape(3, 1);
        TensorAssert.Close(-(z + (1 - t) * 2 * z) / t, meanFlow.Score(z, t.reshape(3)), 1e-14);
    }

    [Fact]
    public void AnUnconditionalNetworkWithGuidanceOrDropIsRejectedNamingTheOptions()
    {
        var error = Assert.Throws<ArgumentException>(() => Make((z, t, c) => z, new MeanFlowOptions()));
        Assert.Contains("GuidanceScale", error.Message);
        Assert.Contains("CondDropRatio", error.Message);
        Assert.Contains("NumClasses", error.Message);
    }
}
