using Research.Framework.Interfaces;
using Research.Framework.Tests.Samplers;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

/// <summary>
/// pred ↔ score ↔ x₀ through the path, on data N(mu, s²) where the exact network is known (<see cref="Fields"/>):
/// the conversions of the model's Pred must give the Gaussian posterior's closed forms, written here from the
/// joint Gaussian (x, n, x_t) and not from the code under test.
/// </summary>
public class AffinePathTests
{
    const double Mu = 1.5, S = 0.5;

    /// <summary>
    /// The host-time (α, σ) of each shipped path equals its tensor α(t), σ(t): the closed forms in plain doubles that
    /// LinearPath, VarianceExplodingPath and TrigPath override At with must not drift from the paths they describe.
    /// </summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("ve")]
    [InlineData("trig")]
    public void HostTimeCoefficientsEqualTheTensorPath(string name)
    {
        using var scope = NewDisposeScope();
        AffinePath path = name switch
        {
            "linear" => LinearPath.Instance,
            "ve" => VarianceExplodingPath.Instance,
            _ => new Research.Framework.Interfaces.Consistency.TrigPath(0.5),
        };
        foreach (var t in new[] { 0.0, 0.013, 0.3, 0.77, 1.0, 1.4 })
        {
            var time = tensor(t, TorchSharp.torch.ScalarType.Float64);
            var (alpha, sigma) = path.At(t);
            Assert.Equal(path.Alpha(time).item<double>(), alpha, 1e-15);
            Assert.Equal(path.Sigma(time).item<double>(), sigma, 1e-15);
        }
    }

    /// <summary>
    /// SiT: x_t = (1 − t)·x + t·n ~ N(m, V) with m = (1 − t)·mu, V = (1 − t)²s² + t². Then E[x | x_t] = mu + (1 − t)s²(x_t − m)/V,
    /// E[n | x_t] = t(x_t − m)/V and the score is −(x_t − m)/V.
    /// </summary>
    [Fact]
    public void SiTPredConvertsToTheGaussianPosterior()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianSiT(Mu, S);
        var t = tensor(new[] { 0.05, 0.3, 0.6, 0.95 });
        var xt = tensor(new[] { -0.7, 0.4, 1.1, 2.9 });
        var m = (1 - t) * Mu;
        var v = (1 - t).square() * (S * S) + t.square();
        var data = Mu + (1 - t) * (S * S) * (xt - m) / v;
        var noise = t * (xt - m) / v;
        var score = -(xt - m) / v;

        var pred = model.Pred(xt, t);
        var path = model.Path;
        TensorAssert.Close(noise - data, pred, 1e-12); // the velocity itself: E[n − x | x_t]
        TensorAssert.Close(data, path.Denoised(xt, t, pred), 1e-12);
        TensorAssert.Close(score, path.Score(xt, t, pred), 1e-12);
        TensorAssert.Close(score, model.Score(xt, t), 1e-12);
        TensorAssert.Close(noise, path.Convert(xt, t, pred, PredictionView.Velocity, PredictionView.Noise), 1e-12);
        TensorAssert.Close((1 - t) * noise - t * data, path.Convert(xt, t, pred, PredictionView.Velocity, PredictionView.V), 1e-12);
    }

    /// <summary>
    /// EDM: x_σ = x + σ·n ~ N(mu, s² + σ²). E[x | x_σ] = mu + s²(x_σ − mu)/(s² + σ²), E[n | x_σ] = σ(x_σ − mu)/(s² + σ²),
    /// score −(x_σ − mu)/(s² + σ²), and the ODE tangent dx/dσ = E[n | x_σ].
    /// </summary>
    [Fact]
    public void EdmPredConvertsToTheGaussianPosterior()
    {
        using var scope = NewDisposeScope();
        var model = Fields.GaussianEdm(Mu, S);
        var sigma = tensor(new[] { 0.02, 0.5, 2.0, 40.0 });
        var xt = tensor(new[] { 1.3, -0.2, 4.0, 60.0 });
        var total = S * S + sigma.square();
        var data = Mu + S * S * (xt - Mu) / total;
        var noise = sigma * (xt - Mu) / total;
        var score = -(xt - Mu) / total;

        var pred = model.Pred(xt, sigma);
        var path = model.Path;
        TensorAssert.Close(noise, pred, 1e-10);
        TensorAssert.Close(data, path.Denoised(xt, sigma, pred), 1e-10);
        TensorAssert.Close(data, model.Denoise(xt, sigma), 1e-10);
        TensorAssert.Close(score, path.Score(xt, sigma, pred), 1e-10);
        TensorAssert.Close(score, model.Score(xt, sigma), 1e-10);
    }

    /// <summary>Every view converts to every other and back to itself (both paths, per-sample times).</summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("ve")]
    public void EveryViewRoundTrips(string name)
    {
        using var scope = NewDisposeScope();
        AffinePath path = name == "linear" ? LinearPath.Instance : VarianceExplodingPath.Instance;
        var t = tensor(new[] { 0.1, 0.5, 0.9 });
        var xt = randn([3, 2], float64, generator: new TorchSharp.torch.Generator(4));
        var prediction = randn([3, 2], float64, generator: new TorchSharp.torch.Generator(5));
        foreach (var from in Enum.GetValues<PredictionView>())
        foreach (var to in Enum.GetValues<PredictionView>())
        {
            var there = path.Convert(xt, t, prediction, from, to);
            TensorAssert.Close(prediction, path.Convert(xt, t, there, to, from), 1e-12);
        }
    }

    /// <summary>Point and conditional velocity are α·x + σ·n and its time derivative (central difference).</summary>
    [Fact]
    public void VelocityIsTheTimeDerivativeOfThePoint()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.3, -1.2 });
        var n = tensor(new[] { 0.8, 0.5 });
        var t = tensor(new[] { 0.4, 0.7 });
        foreach (AffinePath path in new AffinePath[] { LinearPath.Instance, VarianceExplodingPath.Instance })
        {
            var difference = (path.Point(x, n, t + 1e-6) - path.Point(x, n, t - 1e-6)) / 2e-6;
            TensorAssert.Close(difference, path.Velocity(x, n, t), 1e-8);
        }
    }
}
