using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The reference's <c>DiscreteTimeEmbedder</c>: a frequency embedding of a per-sample scalar followed by
/// Linear(F→D) → SiLU → Linear(D→D). With f_k = exp(−ln(10000)·k/half), k = 0…half−1 and half = F/2, the
/// embedding is [cos(s·t·f), sin(s·t·f)] (cos first, as in GLIDE and DiT), plus a zero column when F is odd.
/// The scale s is 1 for DiT (the reference feeds raw t ∈ [0, 1]); toy models use a larger one so that the
/// frequencies resolve t.
/// <para>State names: <c>mlp.0.weight</c> (D, F), <c>mlp.0.bias</c>, <c>mlp.2.weight</c> (D, D), <c>mlp.2.bias</c>.</para>
/// <para>Init (reference table): weights N(0, 0.02²), biases 0.</para>
/// </summary>
public sealed class TimestepEmbedder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential mlp;
    private readonly Linear first;
    private readonly int frequencySize;
    private readonly double timeScale;

    public TimestepEmbedder(int hiddenSize, int frequencySize, Generator generator, double timeScale = 1.0) : base(nameof(TimestepEmbedder))
    {
        this.frequencySize = frequencySize;
        this.timeScale = timeScale;
        first = nn.Linear(frequencySize, hiddenSize);
        var second = nn.Linear(hiddenSize, hiddenSize);
        mlp = nn.Sequential(first, nn.SiLU(), second);
        foreach (var linear in new[] { first, second })
        {
            SeededInit.Normal(linear.weight!, 0.02, generator);
            SeededInit.Zero(linear.bias);
        }
        RegisterComponents();
    }

    /// <summary>The sinusoidal features (B, F) of t (B), before the MLP, in <paramref name="dtype"/>.</summary>
    public static Tensor FrequencyEmbedding(Tensor t, int frequencySize, ScalarType dtype, double maxPeriod = 10000)
    {
        int half = frequencySize / 2;
        var frequencies = exp(arange(half, ScalarType.Float64, t.device) * (-Math.Log(maxPeriod) / half)).to_type(dtype);
        var arguments = t.to_type(dtype).unsqueeze(1) * frequencies.unsqueeze(0);
        var embedding = cat([cos(arguments), sin(arguments)], 1);
        return frequencySize % 2 == 1 ? cat([embedding, zeros_like(embedding[.., ..1])], 1) : embedding;
    }

    /// <summary>Embeds t (B) to (B, D).</summary>
    public override Tensor forward(Tensor t)
    {
        var scaled = timeScale == 1.0 ? t : t * timeScale;
        return mlp.forward(FrequencyEmbedding(scaled, frequencySize, first.weight!.dtype));
    }
}
