using Research.Framework.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The per-time log-variance head of EDM2 (<c>logvar_fourier</c> → <c>logvar_linear</c>) and sCM: the frequency
/// embedding of s·c_noise followed by Linear(F → 1). It sees only the time, never x, so it models the loss level per
/// time. Its weight starts at zero (u ≡ 0, weight 1) so that switching it on does not change the first steps.
/// <para>State names: <c>linear.weight</c> (1, F), <c>linear.bias</c> (1).</para>
/// </summary>
public sealed class LogVarianceHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly int frequencySize;
    private readonly double timeScale;

    /// <summary>Creates the head over a frequency embedding of width <paramref name="frequencySize"/> of s·c_noise.</summary>
    public LogVarianceHead(int frequencySize, double timeScale = 1.0) : base(nameof(LogVarianceHead))
    {
        if (frequencySize <= 0) throw new ArgumentOutOfRangeException(nameof(frequencySize), frequencySize, "The log-variance head needs a positive frequency width.");
        this.frequencySize = frequencySize;
        this.timeScale = timeScale;
        linear = nn.Linear(frequencySize, 1);
        SeededInit.Zero(linear.weight);
        SeededInit.Zero(linear.bias);
        RegisterComponents();
    }

    /// <summary>u (B) at c_noise (B).</summary>
    public override Tensor forward(Tensor cNoise)
    {
        var scaled = timeScale == 1.0 ? cNoise : cNoise.Times(timeScale);
        return linear.forward(TimestepEmbedder.FrequencyEmbedding(scaled, frequencySize, linear.weight!.dtype)).squeeze(1);
    }
}
