using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using static Research.Framework.Tests.Interfaces.Consistency.TrigFlowFields;

namespace Research.Framework.Tests.Interfaces.Consistency;

public class ScmLossTests
{
    const double S = 0.8;
    static readonly SctOptions Plain64 = new() { DType = ScalarType.Float64, Seed = 11, LogVarianceWeighting = false, WarmupSteps = 100 };

    static SctInterface Sct(Func<Tensor, Tensor, Conditioning, Tensor> f, SctOptions? options = null) =>
        new(new LambdaNetwork(f), TimeDist.LogNormal, options ?? Plain64);

    static (Tensor Xt, Tensor T) Points()
    {
        var xt = randn(6, 2, float64, generator: new Generator(21)) * 0.7;
        return (xt, tensor(new[] { 0.05, 0.3, 0.7, 1.0, 1.3, 1.52 }));
    }

    /// <summary>
    /// g = cos t·df/dt along the trajectory. For the exact consistency function of Gaussian data (f = x_t·s/√V) and the exact
    /// PF-ODE tangent, f is constant along every trajectory, so with r = 1 g vanishes; the diffusion model's F (the
    /// denoiser, not constant along trajectories) gives a clearly non-zero g, so the check can fail.
    /// </summary>
    [Fact]
    public void DirectionVanishesForTheExactConsistencyFunction()
    {
        using var scope = NewDisposeScope();
        var (xt, t) = Points();
        var dxdt = OdeVelocity(xt, t, S);
        var exact = Sct((input, time, c) => ConsistencyF(input, time, S)).Direction(xt, t, dxdt, r: 1);
        TensorAssert.Close(zeros_like(xt), exact.G, 1e-12);
        var denoiser = Sct((input, time, c) => DiffusionF(input, time, S)).Direction(xt, t, dxdt, r: 1);
        Assert.True(denoiser.G.abs().max().item<double>() > 1e-2, "the diffusion F is not a consistency function");
    }

    /// <summary>
    /// With r = 0 only the first term is left: g = −cos² t·(σ_d F − dx/dt), here with F = the exact consistency F
    /// (closed form written out on its own).
    /// </summary>
    [Fact]
    public void WithoutWarmupOnlyTheFirstTermRemains()
    {
        using var scope = NewDisposeScope();
        var (xt, t) = Points();
        var dxdt = OdeVelocity(xt, t, S);
        var f = ConsistencyF(xt / SigmaData, t, S);
        var expected = -t.cos().square().unsqueeze(1) * (SigmaData * f - dxdt);
        TensorAssert.Close(expected, Sct((input, time, c) => ConsistencyF(input, time, S)).Direction(xt, t, dxdt, r: 0).G, 1e-13);
    }

    /// <summary>
    /// The JVP cos t sin t·dF⁻/dt of a real network (a float64 ToyMlp, through the forward-mode rule and the double-VJP
    /// strategy) against an independent central difference of the same network along (cos t sin t·dx/dt, cos t sin t);
    /// O(ε²) ≈ 1e-10.
    /// </summary>
    [Theory]
    [InlineData("forward_mode")]
    [InlineData("double_vjp")]
    public void TangentMatchesACentralFiniteDifference(string strategy)
    {
        using var scope = NewDisposeScope();
        var network = new ToyMlp(new ToyMlpOptions { Seed = 3, Hidden = 32, Depth = 2, TimeScale = 10 });
        network.to(ScalarType.Float64);
        var sct = new SctInterface(network, TimeDist.LogNormal, Plain64 with { Jvp = Research.Framework.Differentiation.JvpStrategy.Parse(strategy) });
        var (xt, t) = Points();
        var dxdt = randn(6, 2, float64, generator: new Generator(22));
        var direction = sct.Direction(xt, t, dxdt, r: 1);

        var scale = t.cos() * t.sin();
        const double h = 1e-6;
        Tensor F(Tensor x, Tensor time) => network.Forward(x / SigmaData, time, Conditioning.None).Output;
        Tensor difference;
        using (no_grad())
            difference = (F(xt + h * scale.unsqueeze(1) * dxdt, t + h * scale) - F(xt - h * scale.unsqueeze(1) * dxdt, t - h * scale)) / (2 * h);
        TensorAssert.Close(difference, direction.Tangent, 1e-7);
        Assert.True(difference.abs().max().item<double>() > 1e-3, "the tangent is not trivially zero");
        using (no_grad()) TensorAssert.Close(F(xt, t), direction.F, 1e-14);
        Assert.True(direction.F.requires_grad, "F_θ keeps its graph for the loss's gradient");
    }

    [Fact]
    public void NormalisationDividesByTheSizeIndependentNormPlusC()
    {
        using var scope = NewDisposeScope();
        var sct = Sct((input, time, c) => input);
        // Sample 0: g = 3 in each of 4 elements, ‖g‖/√D = 3; sample 1: (4, 0, 0, 0)·…, ‖g‖/√D = 4/2 = 2.
        var g = tensor(new[] { 3.0, 3, 3, 3, 4, 0, 0, 0 }).reshape(2, 4);
        var expected = tensor(new[] { 3 / 3.1, 3 / 3.1, 3 / 3.1, 3 / 3.1, 4 / 2.1, 0, 0, 0 }).reshape(2, 4);
        TensorAssert.Close(expected, sct.NormalizeDirection(g), 1e-15);
    }

    [Fact]
    public void WarmupRisesLinearlyToOne()
    {
        var sct = Sct((input, time, c) => input);
        Assert.Equal(0.0, sct.TangentWarmup(new TrainingContext(0, 1000)));
        Assert.Equal(0.25, sct.TangentWarmup(new TrainingContext(25, 1000)));
        Assert.Equal(1.0, sct.TangentWarmup(new TrainingContext(400, 1000)));
        Assert.Equal(1.0, Sct((input, time, c) => input, Plain64 with { WarmupSteps = 0 }).TangentWarmup(new TrainingContext(0, 1000)));
    }

    /// <summary>
    /// The loss value: ‖F_θ − F⁻ − g‖² = ‖g‖² with g normalised, times the prior 1/(σ_d tan t), then L/e^u + u. With a
    /// constant log-variance u = 0.3 and the same draws recomputed by hand (same seed), the per-sample loss matches.
    /// </summary>
    [Fact]
    public void LossIsThePriorAndLogVarianceWeightedSquaredDirection()
    {
        using var scope = NewDisposeScope();
        var options = Plain64 with { LogVarianceWeighting = true };
        var network = new ConstantLogVariance((input, time) => 0.3 * input + time.unsqueeze(1), 0.3);
        var sct = new SctInterface(network, TimeDist.LogNormal, options);
        var x = randn(5, 2, float64, generator: new Generator(23)) * S;
        var context = new TrainingContext(50, 1000);
        var loss = sct.Loss(x, null, context).Loss;

        var replay = new SctInterface(network, TimeDist.LogNormal, options);
        var t = replay.SampleT(5);
        var z = replay.SampleN(5, 2);
        var xt = replay.SampleXt(x, z, t);
        var g = replay.NormalizeDirection(replay.Direction(xt, t, replay.Target(x, z, t), 0.5).G);
        var expected = g.square().mean([1]) / (SigmaData * t.tan()) * Math.Exp(-0.3) + 0.3;
        TensorAssert.Close(expected, loss, 1e-12);
        Assert.True(loss.requires_grad);
    }

    [Fact]
    public void AMissingLogVarianceHeadIsAClearErrorAtConstruction()
    {
        var error = Assert.Throws<ArgumentException>(() => new SctInterface(new LambdaNetwork((x, t, c) => x), TimeDist.LogNormal, new SctOptions()));
        Assert.Contains("LogVarianceWeighting", error.Message);
        Assert.Contains("log-variance head", error.Message);
        var toy = new ToyMlp(new ToyMlpOptions());
        Assert.Contains("Network.LogVarianceHead true", Assert.Throws<ArgumentException>(() => new SctInterface(toy, TimeDist.LogNormal)).Message);
    }
}

/// <summary>A closed-form network with a constant log-variance head.</summary>
internal sealed class ConstantLogVariance(Func<Tensor, Tensor, Tensor> f, double logVariance) : ILogVarianceNetwork
{
    public int? NumClasses => null;
    public bool HasLogVariance => true;
    public Tensor LogVariance(Tensor cNoise) => full_like(cNoise, logVariance);
    public NetworkOutput Forward(Tensor x, Tensor t, Conditioning cond) => new(f(x, t));
}
