using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>
/// A two-time model that knows the flow map of dx/dt = x: x_r = x_t·e^(r − t), so the average velocity over [r, t] is
/// u = (x_t − x_r)/(t − r) = x_t·(1 − e^(−dt))/dt with dt = t − r (u = x_t at dt = 0).
/// </summary>
public class EulerJumpTests
{
    static Tensor AverageVelocity(Tensor x, Conditioning c)
    {
        var dt = Interface.BcastRight(c.Dt!, x);
        var safe = where(dt.gt(0), dt, ones_like(dt));
        return where(dt.gt(0), x * (1 - (-safe).exp()) / safe, x);
    }

    /// <summary>One step from t = 1 to 0 lands exactly on x·e^(−1) (Euler would give 0).</summary>
    [Fact]
    public void OneStepLandsExactlyOnTheTarget()
    {
        using var scope = NewDisposeScope();
        var model = MeanFlowInterfaceTests.Make((x, t, c) => AverageVelocity(x, c), MeanFlowInterfaceTests.Plain);
        var x = randn(5, 3, float64);
        TensorAssert.Close(x * Math.Exp(-1), new EulerJump(1).Sample(model, x), 1e-14, 1e-14);
    }

    /// <summary>Guidance applies to the jump: with u_uncond = 0 and w = 2 one step gives x − 2·x·(1 − e^(−1)).</summary>
    [Fact]
    public void GuidanceAppliesToTheJump()
    {
        using var scope = NewDisposeScope();
        var model = MeanFlowInterfaceTests.Make(
            (x, t, c) => where(Interface.BcastRight(c.Labels!.eq(4), x), zeros_like(x), AverageVelocity(x, c)), MeanFlowInterfaceTests.Plain, numClasses: 4);
        var x = randn(5, 3, float64);
        var options = new SampleOptions { GuidanceScale = 2, Conditioning = new Conditioning(Labels: zeros([5], ScalarType.Int64)) };
        TensorAssert.Close(x - 2 * x * (1 - Math.Exp(-1)), new EulerJump(1).Sample(model, x, options), 1e-14, 1e-14);
    }
}
