using Research.Framework.Tests.TestSupport;
using Research.Framework.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training;

public class EmaTrackTests
{
    static void Fill(nn.Module module, double value)
    {
        using var noGradient = no_grad();
        foreach (var p in module.parameters()) p.fill_(value);
    }

    /// <summary>The reference's hand computation: weights 0 → 1 with decay 0.99 gives 0.01, then 0.0199.</summary>
    [Fact]
    public void UpdatesMatchTheHandComputation()
    {
        using var scope = NewDisposeScope();
        var linear = nn.Linear(128, 128);
        Fill(linear, 0);
        using var ema = new EmaTrack(linear, new EmaOptions(0.99, Warmup: false));
        Fill(linear, 1);

        ema.Update(linear);
        TensorAssert.Close(full(128, 128, 0.01f), ema["weight"], 1e-7);
        ema.Update(linear);
        TensorAssert.Close(full(128, 128, 0.0199f), ema["weight"], 1e-7);
    }

    [Fact]
    public void StartsAsACopyAndWarmupUsesTheRampedDecay()
    {
        using var scope = NewDisposeScope();
        var linear = nn.Linear(4, 4);
        Fill(linear, 2);
        using var ema = new EmaTrack(linear, new EmaOptions(0.999, Warmup: true));
        TensorAssert.Close(full(4, 4, 2f), ema["weight"], 0);

        Fill(linear, 12);
        ema.Update(linear); // decay min(0.999, 1/10) = 0.1: 0.1·2 + 0.9·12 = 11
        TensorAssert.Close(full(4, 4, 11f), ema["weight"], 1e-5);
        Assert.Equal(2.0 / 11.0, ema.EffectiveDecay(1), 12);
    }

    /// <summary>
    /// Start weights 1, then 0 at every update: the average is the weight left on the start. With the default warm-up,
    /// decays (1 + n)/(10 + n) for n = 0 … N − 1 multiply to N!·9!/(N + 9)! = 1/C(N + 9, 9) (while under β); without
    /// it, β^N (0.999^1000 = 37%).
    /// </summary>
    [Theory]
    [InlineData(1000, 0.999)]
    [InlineData(30, 0.999)]
    [InlineData(300, 0.9)]
    public void TheDefaultWarmupLeavesTheClosedFormWeightOnTheStart(int updates, double decay)
    {
        using var scope = NewDisposeScope();
        var module = nn.Linear(1, 1, hasBias: false, dtype: ScalarType.Float64);
        Fill(module, 1);
        using var warm = new EmaTrack(module, new EmaOptions(decay));
        using var constant = new EmaTrack(module, new EmaOptions(decay, Warmup: false));
        Fill(module, 0);
        for (int n = 0; n < updates; n++) { warm.Update(module); constant.Update(module); }

        double expected = 1;
        for (int n = 0; n < updates; n++) expected *= Math.Min(decay, (1.0 + n) / (10.0 + n));
        double rampOnly = 1;   // 9!·N!/(N + 9)!, the product while the ramp stays under β
        for (int k = 1; k <= 9; k++) rampOnly *= k / (double)(updates + k);
        if (updates < (10 * decay - 1) / (1 - decay)) Assert.Equal(1, expected / rampOnly, 9);
        Assert.Equal(1, TensorAssert.Scalar(warm["weight"]) / expected, 9);
        Assert.Equal(1, TensorAssert.Scalar(constant["weight"]) / Math.Pow(decay, updates), 9);
        Assert.True(new TrainerOptions().Ema.All(e => e.Warmup), "the trainer's default EMA warms up");
    }

    [Fact]
    public void TracksParametersOnlyAndSwapsWeightsInAndBack()
    {
        using var scope = NewDisposeScope();
        var network = new TinyNetwork(1);
        using var ema = new EmaTrack(network, new EmaOptions(0.5, Warmup: false));
        Assert.Throws<KeyNotFoundException>(() => ema["scale"]); // a buffer: no EMA
        var online = network.parameters().Select(p => p.detach().clone()).ToArray();
        Fill(network, 3);
        ema.Update(network);
        var expected = online.Select(p => 0.5 * p + 1.5).ToArray();

        using (ema.SwapInto(network))
        {
            foreach (var (p, e) in network.parameters().Zip(expected)) TensorAssert.Close(e, p, 1e-6);
        }

        foreach (var p in network.parameters()) TensorAssert.Close(full_like(p, 3), p, 0);
    }
}
