using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// The per-run state of a multistep solver in x₀ and the log-SNR λ = ln(α/σ): (α, σ) at every grid point, and the last
/// few steps' x₀ estimates and λ-steps h (newest first), kept outside the step scopes and disposed with the run.
/// </summary>
public sealed class MultistepHistory(IReadOnlyList<(double Alpha, double Sigma)> coefficients, int depth) : IDisposable
{
    readonly List<(Tensor Denoised, double H)> previous = [];

    /// <summary>(α, σ) at each grid point.</summary>
    public IReadOnlyList<(double Alpha, double Sigma)> Coefficients { get; } = coefficients;

    /// <summary>How many earlier steps are remembered (at most the depth given).</summary>
    public int Count => previous.Count;

    /// <summary>The x₀ estimate of the step <paramref name="back"/> steps ago (1 = the previous step).</summary>
    public Tensor Denoised(int back) => previous[back - 1].Denoised;

    /// <summary>The λ-step h of the step <paramref name="back"/> steps ago (1 = the previous step; ∞ for a step from α = 0).</summary>
    public double H(int back) => previous[back - 1].H;

    /// <summary>Keeps this step's x₀ and h, forgetting what is older than the depth.</summary>
    public void Remember(Tensor denoised, double h)
    {
        previous.Insert(0, (denoised.detach().MoveToOuterDisposeScope(), h));
        if (previous.Count <= depth) return;
        previous[^1].Denoised.Dispose();
        previous.RemoveAt(previous.Count - 1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (denoised, _) in previous) denoised.Dispose();
        previous.Clear();
    }
}
