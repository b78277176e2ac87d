using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class EdmInterfaceTests
{
    static readonly EdmOptions Float64 = new() { DType = ScalarType.Float64, Seed = 5, TMu = -1.2, TSigma = 1.2 };

    static EdmInterface Make(Func<Tensor, Tensor, Conditioning, Tensor> f, TimeDist dist = TimeDist.LogNormal) =>
        new(new LambdaNetwork(f), dist, Float64);

    [Fact]
    public void PreconditioningAndLossWeightMatchHandComputedValues()
    {
        using var scope = NewDisposeScope();
        var edm = Make((x, t, c) => x);
        var t = tensor(new[] { 1.0, 2.0 });
        // σ_d = 0.5. t = 1: c_in = 1/√1.25, c_out = 0.5/√1.25, c_skip = 0.25/1.25, c_noise = ln 1 / 4, λ = 1.25/0.25.
        // t = 2: c_in = 1/√4.25, c_out = 1/√4.25, c_skip = 0.25/4.25, c_noise = ln 2 / 4, λ = 4.25/1.
        TensorAssert.Close(tensor(new[] { 0.8944271909999159, 0.48507125007266594 }), edm.CIn(t), 1e-15);
        TensorAssert.Close(tensor(new[] { 0.4472135954999579, 0.48507125007266594 }), edm.COut(t), 1e-15);
        TensorAssert.Close(tensor(new[] { 0.2, 0.058823529411764705 }), edm.CSkip(t), 1e-15);
        TensorAssert.Close(tensor(new[] { 0.0, 0.17328679513998632 }), edm.CNoise(t), 1e-15);
        TensorAssert.Close(tensor(new[] { 5.0, 4.25 }), edm.LossWeight(t), 1e-14);
    }

    [Fact]
    public void PathAddsScaledNoiseAndTargetIsTheData()
    {
        using var scope = NewDisposeScope();
        var edm = Make((x, t, c) => x);
        var x = randn(4, 3, float64);
        var n = randn(4, 3, float64);
        var t = tensor(new[] { 0.1, 1.0, 5.0, 80.0 });
        TensorAssert.Close(x + t.reshape(4, 1) * n, edm.SampleXt(x, n, t), 1e-13);
        TensorAssert.Close(x, edm.Target(x, n, t), 0);
    }

    /// <summary>
    /// Data N(0, s²): x_t ~ N(0, s² + σ²), the ideal denoiser is D = s²/(s² + σ²)·x_t and the score is −x_t/(s² + σ²).
    /// The network is handed c_in·x_t and c_noise = ln σ / 4, so it recovers x_t and σ and returns F = (D − c_skip·x_t)/c_out.
    /// </summary>
    [Fact]
    public void ScoreAndTangentAreExactForGaussianData()
    {
        using var scope = NewDisposeScope();
        const double s = 0.8, sigmaData = 0.5;
        var edm = Make((input, cNoise, c) =>
        {
            var sigma = Interface.BcastRight((4 * cNoise).exp(), input);
            var xt = input * (sigma.square() + sigmaData * sigmaData).sqrt();
            var denoised = s * s / (s * s + sigma.square()) * xt;
            var skipScale = sigmaData * sigmaData / (sigma.square() + sigmaData * sigmaData);
            var cOut = sigma * sigmaData / (sigma.square() + sigmaData * sigmaData).sqrt();
            return (denoised - skipScale * xt) / cOut;
        });
        var xt = randn(32, 2, float64) * 3;
        var sigma = tensor(new[] { 0.002, 0.1, 0.5, 1.0, 2.0, 10.0, 40.0, 80.0 }).repeat(4);
        var total = Interface.BcastRight(sigma.square() + s * s, xt);

        TensorAssert.Close(-xt / total, edm.Score(xt, sigma), 1e-12, 1e-9);
        TensorAssert.Close(xt * Interface.BcastRight(sigma, xt) / total, edm.Pred(xt, sigma), 1e-12, 1e-9);
        TensorAssert.Close(s * s * xt / total, edm.Denoise(xt, sigma), 1e-12, 1e-9);
    }

    [Fact]
    public void LossIsTheWeightedDenoisingError()
    {
        using var scope = NewDisposeScope();
        Tensor? seenSigma = null;
        var edm = Make((input, cNoise, c) =>
        {
            seenSigma = (4 * cNoise).exp().detach().clone();
            return input.sin();
        });
        var twin = Make((input, cNoise, c) => input);
        var x = randn(12, 3, float64) * 0.5;

        var loss = edm.Loss(x);

        var sigma = twin.SampleT(12);
        var n = twin.SampleN(12, 3);
        TensorAssert.Close(sigma, seenSigma!, 1e-12, 1e-12);
        var sigmaColumn = sigma.reshape(12, 1);
        var xt = x + sigmaColumn * n;
        var cIn = 1 / (sigmaColumn.square() + 0.25).sqrt();
        var denoised = 0.25 / (sigmaColumn.square() + 0.25) * xt + sigmaColumn * 0.5 * cIn * (cIn * xt).sin();
        var weight = (sigmaColumn.square() + 0.25) / (sigmaColumn * 0.5).square();
        TensorAssert.Close((weight * (denoised - x).square()).mean([1]), loss.Loss, 1e-12, 1e-10);
        TensorAssert.Close(denoised, loss.NetworkOutput, 1e-12, 1e-10);
    }
}
