using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

/// <summary>
/// MeanFlow trained end to end on Gaussian data N(0, s²·I): the exact average velocity from noise (t = 1) to data (r = 0)
/// is u = (1 − s)·z, so one EulerJump step maps z ~ N(0, I) to s·z, whose spread is s. A model that ignores its dt input
/// returns the instantaneous velocity v(z, 1) = z instead, and one step collapses every sample to ≈ 0.
/// </summary>
public class MeanFlowOneStepTests
{
    const double DataStd = 0.5;

    /// <summary>
    /// A default two-time <see cref="ToyMlp"/> (it takes dt) trained 1,500 steps: the one-step sample's spread lies within
    /// 10% of the data's, and so does the two-step sample's. NormPower = 0 (plain sum loss): on 2-D data the per-sample
    /// loss is a sum of two squares, spread like an exponential, so the adaptive weight 1/(L + ε) reweights samples by
    /// orders of magnitude and slows the r ≠ t samples' training to a crawl (measured: spread 0.33 at 3,000 steps with p = 1).
    /// </summary>
    [Fact]
    public void OneStepSampleOfGaussianDataHasTheDataSpread()
    {
        using var scope = NewDisposeScope();
        var network = new ToyMlp(new ToyMlpOptions { Dim = 2, Hidden = 128, Depth = 2, TakeDt = true, Seed = 3 });
        var model = new MeanFlowInterface(network, TimeDist.Uniform, new MeanFlowOptions
        {
            Seed = 5, NormPower = 0, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0,
        });
        Train(network, model, steps: 1500);

        using var noGradient = no_grad();
        network.eval();
        using var noise = new Generator(17);
        var z = randn([8192, 2], generator: noise);
        var oneStep = new EulerJump(1).Sample(model, z);
        var twoSteps = new EulerJump(2).Sample(model, z);

        // Sampling error of the spread at n = 16,384 values is ≈ 0.5/√(2n) ≈ 0.003, far inside the 10% band.
        TensorAssert.Close(DataStd, oneStep.std().ToDouble(), 0.1 * DataStd, "one-step spread");
        TensorAssert.Close(DataStd, twoSteps.std().ToDouble(), 0.1 * DataStd, "two-step spread");
        TensorAssert.Close(0, oneStep.mean().ToDouble(), 0.05, "one-step mean");
    }

    /// <summary>AdamW at 1e-3, batch 256, with an EMA of decay 0.99 swapped in at the end (what the toys sample from).</summary>
    static void Train(ToyMlp network, MeanFlowInterface model, int steps)
    {
        var parameters = network.parameters().ToArray();
        var ema = parameters.Select(p => p.detach().clone()).ToArray();
        using var optimizer = optim.AdamW(parameters, 1e-3);
        using var data = new Generator(11);
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var x = randn([256, 2], generator: data) * DataStd;
            var loss = model.Loss(x).Loss.mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using var noGradient = no_grad();
            for (int i = 0; i < parameters.Length; i++) ema[i].mul_(0.99).add_(parameters[i], alpha: 0.01);
        }
        using (no_grad())
            for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(ema[i]);
    }
}
