using Research.Framework.Tests.TestSupport;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Research.Framework.Training.PostHocEma;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training.PostHocEma;

/// <summary>
/// Reconstruction on a toy trajectory whose every EMA is known in closed form: five weights following τ, √τ, τ²/100,
/// −τ and a constant over 200 steps. After t updates a power-function EMA of exponent γ puts weight
/// (τ^(γ+1) − (τ − 1)^(γ+1)) / t^(γ+1) on step τ (<see cref="PowerFunction.Beta"/>), so its value is a finite sum.
/// </summary>
public sealed class PostHocReconstructionTests : IDisposable
{
    const int Steps = 200, Every = 20;
    static readonly Func<double, double>[] Trajectory = [t => t, Math.Sqrt, t => t * t / 100, t => -t, _ => 5];

    readonly string folder = Directory.CreateTempSubdirectory("phema-").FullName;
    readonly nn.Module module = nn.Linear(1, Trajectory.Length, hasBias: false, dtype: ScalarType.Float64);

    public PostHocReconstructionTests()
    {
        var tracks = new PostHocEmaOptions(Every).Tracks.Select(options => new EmaTrack(module, options)).ToArray();
        for (int t = 1; t <= Steps; t++)
        {
            SetWeights(t);
            foreach (var track in tracks) track.Update(module);
            if (t % Every == 0) PostHocEmaSnapshots.Write(folder, t, tracks);
        }
        foreach (var track in tracks) track.Dispose();
    }

    public void Dispose()
    {
        module.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    void SetWeights(double t)
    {
        using var noGradient = no_grad();
        using var values = tensor(Trajectory.Select(f => f(t)).ToArray(), dtype: ScalarType.Float64).reshape(Trajectory.Length, 1);
        ((TorchSharp.Modules.Linear)module).weight!.copy_(values);
    }

    /// <summary>The exact power-function EMA of σ_rel <paramref name="std"/> after <paramref name="t"/> steps, per weight.</summary>
    static double[] Exact(double std, long t)
    {
        double power = PowerFunction.StdToExp(std) + 1;
        return [.. Trajectory.Select(f =>
        {
            double sum = 0;
            for (long tau = 1; tau <= t; tau++) sum += f(tau) * (Math.Pow((double)tau / t, power) - Math.Pow((tau - 1.0) / t, power));
            return sum;
        })];
    }

    double[] Reconstructed(double std, long? atStep = null)
    {
        using var track = PostHocReconstruction.Track(module, PostHocEmaSnapshots.List(folder), std, atStep);
        Assert.Equal(PostHocReconstruction.TrackName(std), track.Options.TrackName);
        return TensorAssert.Values(track["weight"]);
    }

    static void AssertClose(double[] expected, double[] actual, double relative)
    {
        for (int k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(actual[k] - expected[k]) <= relative * Math.Max(1, Math.Abs(expected[k])),
                $"weight {k}: expected {expected[k]}, got {actual[k]} (relative tolerance {relative})");
    }

    [Fact]
    public void SnapshotsAreListedByStepAndStd()
    {
        var snapshots = PostHocEmaSnapshots.List(folder);
        Assert.Equal(2 * Steps / Every, snapshots.Count);
        Assert.Equal((20L, 0.05), (snapshots[0].Step, snapshots[0].Std));
        Assert.Equal((200L, 0.10), (snapshots[^1].Step, snapshots[^1].Std));
    }

    [Theory]
    [InlineData(0.05, null)]
    [InlineData(0.10, null)]
    [InlineData(0.10, 100L)]
    public void AStoredProfileComesBackExactly(double std, long? atStep)
    {
        // The snapshot itself is the exact sum (float64 here); the solve's unit vector returns it to rounding.
        AssertClose(Exact(std, atStep ?? Steps), Reconstructed(std, atStep), 1e-9);
    }

    [Fact]
    public void AStdBetweenTheStoredOnesLiesBetweenThemAndNearItsExactValue()
    {
        var narrow = Exact(0.05, Steps);
        var wide = Exact(0.10, Steps);
        var exact = Exact(0.07, Steps);
        var reconstructed = Reconstructed(0.07);
        for (int k = 0; k < Trajectory.Length - 1; k++)   // the constant weight has every EMA equal
        {
            Assert.InRange(reconstructed[k], Math.Min(narrow[k], wide[k]), Math.Max(narrow[k], wide[k]));
            Assert.InRange(exact[k], Math.Min(narrow[k], wide[k]), Math.Max(narrow[k], wide[k]));
        }
        // Least squares over ten snapshot times of two profiles: the largest error measured is 4·10⁻⁴ of the value (on τ).
        AssertClose(exact, reconstructed, 1e-3);
    }

    [Fact]
    public void ARunWithoutSnapshotsOrAStdOutOfRangeIsRefusedByName()
    {
        var empty = Directory.CreateTempSubdirectory("phema-empty-").FullName;
        try
        {
            var error = Assert.Throws<ArgumentException>(() => PostHocReconstruction.Track(module, new RunLayout(empty), 0.05));
            Assert.Contains("no post-hoc EMA snapshots", error.Message);
        }
        finally { Directory.Delete(empty, recursive: true); }
        Assert.Throws<ArgumentOutOfRangeException>(() => PostHocReconstruction.Coefficients(PostHocEmaSnapshots.List(folder), 0.5));
        Assert.Throws<ArgumentException>(() => PostHocReconstruction.Coefficients(PostHocEmaSnapshots.List(folder), 0.05, atStep: 10));
    }
}
