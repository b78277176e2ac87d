using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The sliced 2-Wasserstein distance between two equally sized point clouds (N, D):
/// SW₂ = sqrt(E_θ[W₂²(θ·a, θ·b)]) over random unit directions θ, where the 1-D W₂ between empirical measures of
/// equal size is the root mean square difference of the sorted projections. For N(0, I) against N(m, I) in D
/// dimensions it tends to |m|/√D.
/// </summary>
public static class SlicedWasserstein
{
    /// <summary>The distance, with <paramref name="projections"/> directions drawn from <paramref name="generator"/>.</summary>
    public static double Distance(Tensor a, Tensor b, Generator generator, int projections = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(projections, 1);
        using var scope = NewDisposeScope();
        var directions = randn([a.shape[^1], projections], ScalarType.Float64, generator: generator);
        return Distance(a, b, directions);
    }

    /// <summary>The distance over the given directions (D, P); each column is normalised to unit length.</summary>
    public static double Distance(Tensor a, Tensor b, Tensor directions)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
            throw new ArgumentException($"Sliced Wasserstein needs two point clouds (N, D) of one dimension D; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        if (a.shape[0] != b.shape[0])
            throw new ArgumentException($"Sliced Wasserstein compares clouds of equal size; got {a.shape[0]} and {b.shape[0]} points.");
        if (directions.dim() != 2 || directions.shape[0] != a.shape[1])
            throw new ArgumentException($"The directions must have shape (D = {a.shape[1]}, P); got [{string.Join(", ", directions.shape)}].");
        using var scope = NewDisposeScope();
        var unit = directions.to_type(ScalarType.Float64).cpu();
        unit = unit / unit.norm(0, keepdim: true);
        var (px, _) = a.detach().to_type(ScalarType.Float64).cpu().matmul(unit).sort(0);
        var (py, _) = b.detach().to_type(ScalarType.Float64).cpu().matmul(unit).sort(0);
        return (px - py).square().mean().sqrt().item<double>();
    }
}
