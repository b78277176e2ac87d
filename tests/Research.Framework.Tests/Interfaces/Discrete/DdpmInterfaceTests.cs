using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Discrete;
using Research.Framework.Tests.Samplers;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces.Discrete;

/// <summary>The DDPM interface: its ε, x₀ and v views agree, its training draws are the steps, min-SNR weights are the closed forms.</summary>
public class DdpmInterfaceTests
{
    static readonly PredictionView[] Views = [PredictionView.Noise, PredictionView.Denoiser, PredictionView.V];

    /// <summary>
    /// For a known (x₀, ε) and x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε, each view's target converts through the path into the other views'
    /// targets (x₀, ε and v = α·ε − σ·x₀, written from their definitions).
    /// </summary>
    [Theory]
    [InlineData(BetaSchedule.Linear)]
    [InlineData(BetaSchedule.Cosine)]
    public void TargetsOfTheThreeViewsConvertIntoEachOther(BetaSchedule schedule)
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 2], float64, generator: new TorchSharp.torch.Generator(1));
        var n = randn([4, 2], float64, generator: new TorchSharp.torch.Generator(2));
        var t = tensor(new[] { 0.003, 0.25, 0.5, 0.97 });
        var targets = Views.ToDictionary(v => v, v => Fields.GaussianDdpm(0, 1, new DdpmOptions { Schedule = schedule, Prediction = v }).Target(x, n, t));
        var model = Fields.GaussianDdpm(0, 1, new DdpmOptions { Schedule = schedule });
        var xt = model.SampleXt(x, n, t);
        var ab = ((SchedulePath)model.Path).AlphaBar(t).unsqueeze(1);
        TensorAssert.Close(ab.sqrt() * x + (1 - ab).sqrt() * n, xt, 1e-12);
        TensorAssert.Close(ab.sqrt() * n - (1 - ab).sqrt() * x, targets[PredictionView.V], 1e-12);
        foreach (var from in Views)
        foreach (var to in Views)
            TensorAssert.Close(targets[to], model.Path.Convert(xt, t, targets[from], from, to), 1e-8, 1e-8);
    }

    /// <summary>With the exact Gaussian network of each view, Pred (the velocity) and the score are the same for all three views.</summary>
    [Fact]
    public void ExactNetworksOfEveryViewGiveOnePredAndScore()
    {
        using var scope = NewDisposeScope();
        var xt = tensor(new[] { -1.2, 0.1, 0.9, 2.5 });
        var t = tensor(new[] { 0.01, 0.3, 0.7, 0.99 });
        var models = Views.Select(v => Fields.GaussianDdpm(0.4, 0.6, new DdpmOptions { Prediction = v })).ToArray();
        // Closed form: x_t ~ N(α·mu, V), score −(x_t − α·mu)/V.
        var path = (SchedulePath)models[0].Path;
        var alpha = path.Alpha(t);
        var variance = alpha.square() * 0.36 + 1 - alpha.square();
        var score = -(xt - alpha * 0.4) / variance;
        foreach (var model in models)
        {
            TensorAssert.Close(models[0].Pred(xt, t), model.Pred(xt, t), 1e-9, 1e-9);
            TensorAssert.Close(score, model.Score(xt, t), 1e-9, 1e-9);
        }
    }

    /// <summary>Training times are exactly the steps i/T, i ∈ {1..T}, each about equally often (T = 4: 1/4 each, 4 SE on 40,000 draws).</summary>
    [Fact]
    public void TrainingTimesAreTheSteps()
    {
        using var scope = NewDisposeScope();
        var model = new DdpmInterface(new LambdaNetwork((x, t, c) => x), TimeDist.Uniform, new DdpmOptions { TimeSteps = 4, Schedule = BetaSchedule.Cosine, DType = float64 });
        var steps = (model.SampleT(40_000) * 4).round();
        Assert.Equal([40_000L], steps.shape);
        var values = TensorAssert.Values(steps);
        Assert.All(values, v => Assert.Contains(v, new[] { 1.0, 2.0, 3.0, 4.0 }));
        double se = Math.Sqrt(0.25 * 0.75 / 40_000);
        foreach (double i in new[] { 1.0, 2.0, 3.0, 4.0 })
            TensorAssert.Close(0.25, values.Count(v => v == i) / 40_000.0, 4 * se, $"share of step {i}");
    }

    /// <summary>
    /// Min-SNR (γ = 5) weights on the linear schedule: at t = 0.5, ᾱ = 0.0785872 (SNR = ᾱ/(1 − ᾱ) = 0.085290 &lt; γ) the weights are
    /// 1 (ε), SNR (x₀) and SNR/(SNR + 1) = ᾱ (v); at t = 0.001, ᾱ = 0.9999 (SNR = 9999) they are 5/9999, 5 and 5/10000.
    /// </summary>
    [Fact]
    public void MinSnrWeightsAreTheClosedForms()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new[] { 0.5, 0.001 });
        double snr = 0.07858724288177821 / (1 - 0.07858724288177821);
        var expected = new Dictionary<PredictionView, double[]>
        {
            [PredictionView.Noise] = [1, 5 / 9999.0],
            [PredictionView.Denoiser] = [snr, 5],
            [PredictionView.V] = [0.07858724288177821, 5 / 10000.0],
        };
        foreach (var view in Views)
        {
            var model = Fields.GaussianDdpm(0, 1, new DdpmOptions { Prediction = view, MinSnrGamma = 5 });
            TensorAssert.Close(tensor(expected[view]), model.MinSnrWeight(t), 1e-9, 1e-9);
        }
    }

    /// <summary>Each sample's loss is its squared error times its min-SNR weight (γ = 0: the simple loss, weight 1).</summary>
    [Fact]
    public void TheLossIsTheWeightedSquaredError()
    {
        using var scope = NewDisposeScope();
        var x = randn([64, 2], float64, generator: new TorchSharp.torch.Generator(3));
        var plain = Fields.GaussianDdpm(0, 1, new DdpmOptions { Prediction = PredictionView.Denoiser });
        var weighted = Fields.GaussianDdpm(0, 1, new DdpmOptions { Prediction = PredictionView.Denoiser, MinSnrGamma = 2 });
        var t = Fields.GaussianDdpm(0, 1).SampleT(64); // every model here has seed 3, so both losses draw this t first
        var ratio = weighted.Loss(x).Loss / plain.Loss(x).Loss;
        TensorAssert.Close(weighted.MinSnrWeight(t), ratio, 1e-9, 1e-9);
    }

    [Fact]
    public void OnlyUniformStepsAndDdpmTargetsAreAccepted()
    {
        var network = new LambdaNetwork((x, t, c) => x);
        Assert.Contains("Uniform", Assert.Throws<ArgumentException>(() => new DdpmInterface(network, TimeDist.LogitNormal)).Message);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DdpmInterface(network, TimeDist.Uniform, new DdpmOptions { Prediction = PredictionView.Score }));
        Assert.Contains("Noise, Denoiser, V", error.Message);
    }
}
