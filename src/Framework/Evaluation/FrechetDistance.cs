using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂):
/// ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr sqrt(Σ₁Σ₂), in float64. Σ₁Σ₂ is not symmetric, so instead of a general sqrtm
/// it uses tr sqrt(Σ₁Σ₂) = tr sqrt(S Σ₂ S) with S = sqrt(Σ₁): both matrices are similar (S⁻¹·SΣ₂S·S = Σ₁Σ₂ where S is
/// invertible, and by continuity otherwise), and S Σ₂ S is symmetric PSD, so two symmetric eigendecompositions with
/// clamped eigenvalues give a real, stable answer without the reference's complex round-off or ε·I regularisation.
/// </summary>
public static class FrechetDistance
{
    /// <summary>The squared Fréchet distance between two statistics of one dimension (FID when the features are Inception's).</summary>
    public static double Compute(FeatureStatistics a, FeatureStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);
    }

    /// <summary>The same from raw means (D) and covariances (D, D), converted to float64.</summary>
    public static double Compute(Tensor mean1, Tensor covariance1, Tensor mean2, Tensor covariance2)
    {
        long d = mean1.shape[^1];
        foreach (var (t, rank, name) in new[] { (mean1, 1, "mean1"), (mean2, 1, "mean2"), (covariance1, 2, "covariance1"), (covariance2, 2, "covariance2") })
            if (t.dim() != rank || t.shape.Any(s => s != d))
                throw new ArgumentException($"{name} must have shape {(rank == 1 ? $"({d})" : $"({d}, {d})")}; got [{string.Join(", ", t.shape)}].");
        using var scope = NewDisposeScope();
        var m1 = mean1.detach().to_type(ScalarType.Float64).cpu();
        var m2 = mean2.detach().to_type(ScalarType.Float64).cpu();
        var s1 = covariance1.detach().to_type(ScalarType.Float64).cpu();
        var s2 = covariance2.detach().to_type(ScalarType.Float64).cpu();
        var root1 = PsdSquareRoot.Of(s1);
        double crossTrace = PsdSquareRoot.Trace(root1.mm(s2).mm(root1));
        double meanTerm = (m1 - m2).square().sum().item<double>();
        double value = meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * crossTrace;
        // The exact value is ≥ 0; round-off on identical inputs can leave −1e-12.
        return Math.Max(value, 0);
    }
}
