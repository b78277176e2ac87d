using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>Draws training times from a <see cref="TimeDist"/>; shared by the interfaces.</summary>
public static class TimeDistributions
{
    /// <summary>
    /// Uniform: U(0, 1). LogNormal: exp(mu + sigma·N(0, 1)). LogitNormal: sigmoid(mu + sigma·N(0, 1)).
    /// </summary>
    public static Tensor Sample(TimeDist dist, long[] shape, double mu, double sigma, Generator generator, Device device, ScalarType dtype)
    {
        if (dist == TimeDist.Uniform) return rand(shape, dtype, device, generator: generator);
        using var scope = NewDisposeScope();
        var gaussian = randn(shape, dtype, device, generator: generator).mul_(sigma).add_(mu);
        var t = dist switch
        {
            TimeDist.LogNormal => gaussian.exp_(),
            TimeDist.LogitNormal => gaussian.sigmoid_(),
            _ => throw new ArgumentOutOfRangeException(nameof(dist), dist, $"Unknown time distribution; valid: {string.Join(", ", Enum.GetNames<TimeDist>())}."),
        };
        return t.MoveToOuterDisposeScope();
    }
}
