using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>Improved precision and recall (fractions in [0, 1]) with the neighbourhood size they used.</summary>
public readonly record struct PrecisionRecallResult(double Precision, double Recall, int K);

/// <summary>
/// Improved precision and recall of Kynkäänniemi et al. (2019) on any feature space. Each cloud's manifold is the
/// union of balls around its points with radius the distance to the k-th nearest other point of the same cloud.
/// Precision is the fraction of generated points inside the real manifold (sample quality); recall is the fraction
/// of real points inside the generated manifold (coverage). FD mixes both into one number; these separate them.
/// Distances are Euclidean in float64, computed in row blocks so memory stays O(block·N).
/// </summary>
public static class PrecisionRecall
{
    /// <summary>Precision and recall of <paramref name="generated"/> (M, D) against <paramref name="real"/> (N, D).</summary>
    public static PrecisionRecallResult Compute(Tensor real, Tensor generated, int k = 3, int blockSize = 1024)
    {
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException($"Precision/recall needs two feature clouds (N, D) of one dimension; got [{string.Join(", ", real.shape)}] and [{string.Join(", ", generated.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        long smaller = Math.Min(real.shape[0], generated.shape[0]);
        if (smaller <= k) throw new ArgumentException($"Each cloud needs more than k = {k} points; the smaller has {smaller}.");
        using var scope = NewDisposeScope();
        var r = real.detach().to_type(ScalarType.Float64).cpu();
        var g = generated.detach().to_type(ScalarType.Float64).cpu();
        var realRadii = KthNeighbourDistances(r, k, blockSize);
        var generatedRadii = KthNeighbourDistances(g, k, blockSize);
        double precision = FractionInside(g, r, realRadii, blockSize);
        double recall = FractionInside(r, g, generatedRadii, blockSize);
        return new PrecisionRecallResult(precision, recall, k);
    }

    /// <summary>For each point, the distance to its k-th nearest neighbour other than itself (the k+1-th smallest, self being 0).</summary>
    internal static Tensor KthNeighbourDistances(Tensor points, int k, int blockSize)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < points.shape[0]; start += blockSize)
        {
            var block = points.narrow(0, start, Math.Min(blockSize, points.shape[0] - start));
            var (values, _) = cdist(block, points).topk(k + 1, dim: 1, largest: false, sorted: true);
            parts.Add(values[.., k]);
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The fraction of <paramref name="queries"/> within radius_j of some manifold point j (boundary included).</summary>
    private static double FractionInside(Tensor queries, Tensor manifold, Tensor radii, int blockSize)
    {
        long inside = 0;
        for (long start = 0; start < queries.shape[0]; start += blockSize)
        {
            using var scope = NewDisposeScope();
            var block = queries.narrow(0, start, Math.Min(blockSize, queries.shape[0] - start));
            inside += cdist(block, manifold).le(radii.unsqueeze(0)).any(1).sum().item<long>();
        }
        return (double)inside / queries.shape[0];
    }
}
