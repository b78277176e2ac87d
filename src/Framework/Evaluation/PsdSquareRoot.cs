using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Square roots of symmetric positive semi-definite matrices through the symmetric eigendecomposition
/// A = Q diag(λ) Qᵀ → sqrt(A) = Q diag(sqrt(max(λ, 0))) Qᵀ. Round-off leaves tiny negative eigenvalues on
/// rank-deficient covariances (fewer samples than dimensions); clamping them to zero keeps the result real, where a
/// general sqrtm (scipy, as the reference uses) returns complex parts that then have to be dropped.
/// </summary>
internal static class PsdSquareRoot
{
    /// <summary>sqrt(A) for symmetric A (D, D) in float64; A is symmetrised first.</summary>
    public static Tensor Of(Tensor a)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh((a + a.t()) / 2);
        var root = vectors.mm(values.clamp_min(0).sqrt().diag()).mm(vectors.t());
        return root.MoveToOuterDisposeScope();
    }

    /// <summary>Σ sqrt(max(λ, 0)) over the eigenvalues of symmetric A: the trace of its square root.</summary>
    public static double Trace(Tensor a)
    {
        using var scope = NewDisposeScope();
        var values = linalg.eigvalsh((a + a.t()) / 2);
        return values.clamp_min(0).sqrt().sum().item<double>();
    }
}
