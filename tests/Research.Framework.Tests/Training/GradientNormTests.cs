using Research.Framework.Tests.TestSupport;
using Research.Framework.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Training;

/// <summary>The device-side norm and clipping against a host computation and against torch's clip_grad_norm_.</summary>
public sealed class GradientNormTests
{
    static Parameter[] WithGradients(long seed, double gradientScale)
    {
        using var generator = new Generator((ulong)seed);
        var shapes = new long[][] { [3, 4], [4], [2, 2, 2] };
        return shapes.Select(shape =>
        {
            var p = new Parameter(randn(shape, generator: generator));
            p.grad = randn(shape, generator: generator) * gradientScale;
            return p;
        }).ToArray();
    }

    [Fact]
    public void TheNormIsTheRootOfTheSumOfSquares()
    {
        using var scope = NewDisposeScope();
        var parameters = WithGradients(1, 1.0);
        double expected = Math.Sqrt(parameters.SelectMany(p => TensorAssert.Values(p.grad!)).Sum(g => g * g));
        TensorAssert.Close(expected, TensorAssert.Scalar(GradientNorm.Of(parameters)), 1e-6 * expected, "norm");
    }

    [Theory]
    [InlineData(0.1)]    // below the maximum: untouched
    [InlineData(10.0)]   // above it: scaled to the maximum
    public void ClippingMatchesTorchsClipGradNorm(double gradientScale)
    {
        using var scope = NewDisposeScope();
        var ours = WithGradients(2, gradientScale);
        var torchs = WithGradients(2, gradientScale);
        double norm = TensorAssert.Scalar(GradientNorm.Clip(ours, 1.0));
        double expected = nn.utils.clip_grad_norm_(torchs, 1.0);
        TensorAssert.Close(expected, norm, 1e-6 * expected, "norm before clipping");
        foreach (var (a, b) in ours.Zip(torchs)) TensorAssert.Close(b.grad!, a.grad!, 1e-7, 1e-6);
        double after = TensorAssert.Scalar(GradientNorm.Of(ours));
        Assert.True(after <= 1.0 + 1e-5, $"norm after clipping {after}");
    }
}
