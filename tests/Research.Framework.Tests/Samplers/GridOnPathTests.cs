using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Interfaces.Discrete;
using Research.Framework.Samplers;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>A grid in noise levels lands on each interface's own time at the same σ/α, checked against closed forms.</summary>
public sealed class GridOnPathTests
{
    static double[] Points(TimeGrid grid, int steps)
    {
        using var built = grid.Build(steps);
        return built.data<double>().ToArray();
    }

    [Fact]
    public void AKarrasGridOnSiTsLinearPathIsTEqualsSigmaOverOnePlusSigma()
    {
        var grid = new KarrasGrid();
        var sigmas = Points(grid, 16);
        var times = GridOnPath.Convert(grid, sigmas, LinearPath.Instance);
        for (int i = 0; i < sigmas.Length; i++) Assert.Equal(sigmas[i] / (1 + sigmas[i]), times[i], 1e-12);
        Assert.Equal(80.0 / 81, times[0], 1e-12);   // starts near the noise end, not at t = 80
        Assert.Equal(0, times[^1]);
    }

    [Fact]
    public void AKarrasGridOnTrigFlowIsTheTrigGrid()
    {
        var karras = new KarrasGrid();
        var times = GridOnPath.Convert(karras, Points(karras, 12), new TrigPath(0.5));
        var trig = Points(new TrigGrid(sigmaData: 0.5), 12);   // atan(σ/σ_d), written independently
        for (int i = 0; i < trig.Length; i++) Assert.Equal(trig[i], times[i], 1e-12);
    }

    [Fact]
    public void AKarrasGridOnTheDdpmScheduleHitsEachNoiseLevel()
    {
        var path = new SchedulePath(NoiseSchedule.Create(BetaSchedule.Cosine, 1000));
        var grid = new KarrasGrid(sigmaMax: 20);
        var sigmas = Points(grid, 10);
        var times = GridOnPath.Convert(grid, sigmas, path);
        for (int i = 0; i < sigmas.Length - 1; i++)
        {
            var (alpha, sigma) = path.At(times[i]);
            Assert.Equal(sigmas[i], sigma / alpha, sigmas[i] * 1e-9);   // ᾱ = 1 / (1 + σ²)
        }
    }

    [Fact]
    public void GridsInTheModelsOwnTimeAndEdmAreLeftAlone()
    {
        var uniform = new UniformGrid();
        var points = Points(uniform, 8);
        Assert.Same(points, GridOnPath.Convert(uniform, points, LinearPath.Instance));
        var karras = new KarrasGrid();
        var sigmas = Points(karras, 8);
        Assert.Same(sigmas, GridOnPath.Convert(karras, sigmas, VarianceExplodingPath.Instance));
        var trig = new TrigGrid();
        var angles = Points(trig, 8);
        Assert.Same(angles, GridOnPath.Convert(trig, angles, new TrigPath(0.5)));
    }

    [Fact]
    public void NoiseLevelsBeyondWhatThePathReachesAreRefusedByName()
    {
        // A 10-step cosine schedule ends at a finite σ/α (its last β is clipped at 0.999), far below 1e7 and 1e8,
        // so both of those noise levels fall on its last time.
        var path = new SchedulePath(NoiseSchedule.Create(BetaSchedule.Cosine, 10));
        var grid = new KarrasGrid(sigmaMin: 1e7, sigmaMax: 1e8);
        var error = Assert.Throws<ArgumentException>(() => GridOnPath.Convert(grid, Points(grid, 4), path));
        Assert.Contains("sigmaMax", error.Message);
    }

    /// <summary>
    /// Heun-32 on a Karras grid samples SiT's exact Gaussian field N(1.5, 0.5²) (before the conversion it integrated
    /// from t = 80 and the samples left the plot). The prior at t₀ = 80/81 misses the marginal's mean by (1 − t₀)·1.5 =
    /// 0.019, which the affine flow carries to about 0.5/0.99 of that, 0.0094, at the data: mean budget 0.015; the
    /// variance bias is below 1e-3 (budget 0.005). Plus 4 standard errors at 20,000 draws.
    /// </summary>
    [Fact]
    public void HeunOnAKarrasGridSamplesSiT()
    {
        using var scope = NewDisposeScope();
        const int n = 20_000;
        var samples = new Heun(32, new KarrasGrid()).Sample(Fields.GaussianSiT(1.5, 0.5), randn([n], float64, generator: new TorchSharp.torch.Generator(7)));
        var (mean, variance) = Fields.Moments(samples);
        Assert.InRange(mean, 1.5 - 4 * 0.5 / Math.Sqrt(n) - 0.015, 1.5 + 4 * 0.5 / Math.Sqrt(n) + 0.015);
        Assert.InRange(variance, 0.25 - 4 * 0.25 * Math.Sqrt(2.0 / n) - 0.005, 0.25 + 4 * 0.25 * Math.Sqrt(2.0 / n) + 0.005);
    }
}
