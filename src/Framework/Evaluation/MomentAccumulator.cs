using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// Streaming mean and covariance of feature batches in float64, so an evaluation never holds all features. Batches
/// are merged with Chan et al.'s pairwise update (mean shift and centred scatter) rather than accumulating Σf and
/// Σffᵀ, whose difference Σffᵀ − Nμμᵀ cancels catastrophically when |μ| is large against the spread.
/// </summary>
/// <remarks>The running tensors are detached from every dispose scope (they outlive the caller's per-batch scopes) and
/// freed by <see cref="Dispose"/>.</remarks>
public sealed class MomentAccumulator : IDisposable
{
    private Tensor? mean;     // (D)
    private Tensor? scatter;  // (D, D): Σ (f − μ)(f − μ)ᵀ

    /// <summary>The number of feature vectors added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch (B, D); any dtype and device (it is copied to float64 CPU).</summary>
    public void Add(Tensor features)
    {
        if (features.dim() != 2) throw new ArgumentException($"Features must be (B, D); got [{string.Join(", ", features.shape)}].", nameof(features));
        if (mean is not null && features.shape[1] != mean.shape[0])
            throw new ArgumentException($"Feature dimension {features.shape[1]} differs from the {mean.shape[0]} seen before.", nameof(features));
        long b = features.shape[0];
        if (b == 0) return;
        using var scope = NewDisposeScope();
        var f = features.detach().to_type(ScalarType.Float64).cpu();
        var batchMean = f.mean([0]);
        var centred = f - batchMean;
        var batchScatter = centred.t().mm(centred);
        if (mean is null || scatter is null)
        {
            mean = batchMean.DetachFromDisposeScope();
            scatter = batchScatter.DetachFromDisposeScope();
            Count = b;
            return;
        }
        long n = Count + b;
        var delta = batchMean - mean;
        var newMean = mean + delta * ((double)b / n);
        var newScatter = scatter + batchScatter + delta.outer(delta) * ((double)Count * b / n);
        mean.Dispose();
        scatter.Dispose();
        mean = newMean.DetachFromDisposeScope();
        scatter = newScatter.DetachFromDisposeScope();
        Count = n;
    }

    /// <summary>μ and the unbiased Σ = scatter / (N − 1); needs at least two vectors.</summary>
    public FeatureStatistics ToStatistics()
    {
        if (mean is null || scatter is null || Count < 2)
            throw new InvalidOperationException($"Statistics need at least 2 feature vectors; {Count} were added.");
        using var scope = NewDisposeScope();
        var covariance = scatter / (Count - 1);
        return new FeatureStatistics(mean, (covariance + covariance.t()) / 2, Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        mean?.Dispose();
        scatter?.Dispose();
    }
}
