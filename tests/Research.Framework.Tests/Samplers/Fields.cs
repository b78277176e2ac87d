using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Discrete;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>Closed-form models for sampler tests (float64), with a counter of network calls.</summary>
internal static class Fields
{
    public static readonly SiTOptions SiT64 = new() { DType = ScalarType.Float64, Seed = 3 };
    public static readonly EdmOptions Edm64 = new() { DType = ScalarType.Float64, Seed = 3 };

    /// <summary>A SiT model whose network output (the velocity) is <paramref name="f"/>; calls are counted.</summary>
    public static SiTInterface SiT(Func<Tensor, Tensor, Conditioning, Tensor> f, Counter? counter = null, int? numClasses = null) =>
        new(new LambdaNetwork((x, t, c) => { counter?.Add(); return f(x, t, c); }, numClasses), TimeDist.Uniform, SiT64);

    /// <summary>
    /// Data N(mu, s²) on the path x_t = (1 − t)·x + t·n: x_t ~ N(m, V) with m = (1 − t)·mu, V = (1 − t)²s² + t²;
    /// Cov(x, x_t) = (1 − t)s², Cov(n, x_t) = t, so v = E[n − x | x_t] = −mu + (x_t − m)·(t − (1 − t)s²)/V.
    /// </summary>
    public static SiTInterface GaussianSiT(double mu, double s, Counter? counter = null) => SiT((xt, t, c) =>
    {
        var tb = Interface.BcastRight(t, xt);
        var variance = (1 - tb).square() * (s * s) + tb.square();
        return -mu + (xt - (1 - tb) * mu) * (tb - (1 - tb) * (s * s)) / variance;
    }, counter);

    /// <summary>
    /// Data N(mu, s²) on EDM's path x_σ = x + σ·n: the ideal denoiser is D = mu + s²/(s² + σ²)·(x_σ − mu). The network
    /// receives c_in·x_σ and c_noise = ln σ / 4, recovers x_σ and σ, and returns F = (D − c_skip·x_σ)/c_out.
    /// </summary>
    public static EdmInterface GaussianEdm(double mu, double s, Counter? counter = null)
    {
        double sigmaData2 = Edm64.XSigma * Edm64.XSigma;
        return new EdmInterface(new LambdaNetwork((input, cNoise, c) =>
        {
            counter?.Add();
            var sigma = Interface.BcastRight((4 * cNoise).exp(), input);
            var total = sigma.square() + sigmaData2;
            var xt = input * total.sqrt();
            var denoised = mu + s * s / (s * s + sigma.square()) * (xt - mu);
            return (denoised - sigmaData2 / total * xt) / (sigma * Edm64.XSigma * total.rsqrt());
        }), TimeDist.LogNormal, Edm64);
    }

    /// <summary>
    /// Data N(mu, s²) on a DDPM path x_t = α·x + σ·ε (α² = ᾱ(t), σ² = 1 − ᾱ(t)): x_t ~ N(α·mu, V) with V = α²s² + σ², so
    /// E[ε | x_t] = σ(x_t − α·mu)/V and E[x | x_t] = mu + α·s²(x_t − α·mu)/V. The network (c_in = 1, c_noise = t) returns
    /// the one its interface predicts: ε, x₀ or v = α·ε − σ·x₀. ᾱ(t) comes from the interface's schedule path.
    /// </summary>
    public static DdpmInterface GaussianDdpm(double mu, double s, DdpmOptions? options = null, Counter? counter = null)
    {
        options ??= new DdpmOptions();
        options = options with { DType = ScalarType.Float64, Seed = 3 };
        DdpmInterface? model = null;
        model = new DdpmInterface(new LambdaNetwork((xt, t, c) =>
        {
            counter?.Add();
            var path = (SchedulePath)model!.Path;
            var alpha = Interface.BcastRight(path.Alpha(t), xt);
            var sigma = Interface.BcastRight(path.Sigma(t), xt);
            var variance = alpha.square() * (s * s) + sigma.square();
            var noise = sigma * (xt - alpha * mu) / variance;
            var data = mu + alpha * (s * s) * (xt - alpha * mu) / variance;
            return model.Options.Prediction switch
            {
                PredictionView.Noise => noise,
                PredictionView.Denoiser => data,
                _ => alpha * noise - sigma * data,
            };
        }), TimeDist.Uniform, options);
        return model;
    }

    /// <summary>Sample mean and (unbiased) variance of a flat tensor.</summary>
    public static (double Mean, double Variance) Moments(Tensor samples)
    {
        using var scope = NewDisposeScope();
        var flat = samples.flatten();
        return (flat.mean().item<double>(), flat.var().item<double>());
    }
}

/// <summary>Counts network calls.</summary>
internal sealed class Counter
{
    public int Count { get; private set; }
    public void Add() => Count++;
}

/// <summary>An interface with a Pred but no score and no path (for the samplers' refusals).</summary>
internal sealed class NoScoreInterface() : Interface(new LambdaNetwork((x, t, c) => x), TimeDist.Uniform, new SiTOptions())
{
    public override Tensor CIn(Tensor t) => ones_like(t);
    public override Tensor COut(Tensor t) => ones_like(t);
    public override Tensor CSkip(Tensor t) => zeros_like(t);
    public override Tensor CNoise(Tensor t) => t.alias();
    public override Tensor SampleT(params long[] shape) => throw new NotSupportedException();
    public override Tensor SampleN(params long[] shape) => throw new NotSupportedException();
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t) => throw new NotSupportedException();
    public override Tensor Target(Tensor x, Tensor n, Tensor t) => throw new NotSupportedException();
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null) => xt.alias();
    public override LossOutput Loss(Tensor x, Conditioning? cond = null) => throw new NotSupportedException();
}
