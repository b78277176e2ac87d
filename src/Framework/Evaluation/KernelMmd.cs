using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The unbiased estimator of the squared maximum mean discrepancy with a Gaussian (RBF) kernel
/// k(x, y) = exp(−‖x − y‖² / (2h²)):
/// MMD²ᵤ = Σ_{i≠j} k(xᵢ, xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(n(n−1)) − 2 Σ k(xᵢ, yⱼ)/(mn).
/// Its expectation is exactly MMD² (zero for identical distributions), so unlike SWD or a biased estimate it can be
/// negative on finite samples and does not carry a sample-size-dependent floor. The bandwidth is fixed by the
/// caller rather than a data-dependent median heuristic, so two models are measured with the same kernel.
/// </summary>
public static class KernelMmd
{
    /// <summary>The default bandwidth for the unit-variance toy sets.</summary>
    public const double DefaultBandwidth = 1.0;

    /// <summary>MMD²ᵤ between clouds (M, D) and (N, D), M, N ≥ 2, in float64.</summary>
    public static double SquaredUnbiased(Tensor x, Tensor y, double bandwidth = DefaultBandwidth)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
            throw new ArgumentException($"MMD needs two point clouds (N, D) of one dimension; got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (x.shape[0] < 2 || y.shape[0] < 2) throw new ArgumentException("MMD's unbiased estimator needs at least 2 points per cloud.");
        if (!(bandwidth > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "must be positive");
        using var scope = NewDisposeScope();
        var a = x.detach().to_type(ScalarType.Float64).cpu();
        var b = y.detach().to_type(ScalarType.Float64).cpu();
        double m = a.shape[0], n = b.shape[0];
        double xx = OffDiagonalSum(Kernel(a, a, bandwidth)) / (m * (m - 1));
        double yy = OffDiagonalSum(Kernel(b, b, bandwidth)) / (n * (n - 1));
        double xy = Kernel(a, b, bandwidth).sum().item<double>() / (m * n);
        return xx + yy - 2 * xy;
    }

    private static Tensor Kernel(Tensor a, Tensor b, double bandwidth) => (cdist(a, b).square() / (-2 * bandwidth * bandwidth)).exp();

    private static double OffDiagonalSum(Tensor k) => k.sum().item<double>() - k.diagonal().sum().item<double>();
}
