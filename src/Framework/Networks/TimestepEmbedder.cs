using Research.Framework.Compute;
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
        var frequencies = Frequencies(frequencySize, t.device, dtype, maxPeriod);
        var arguments = t.to_type(dtype).unsqueeze(1) * frequencies.unsqueeze(0);
        var embedding = cat([cos(arguments), sin(arguments)], 1);
        return frequencySize % 2 == 1 ? cat([embedding, zeros_like(embedding[.., ..1])], 1) : embedding;
    }

    /// <summary>
    /// f_k = exp(−ln(maxPeriod)·k/half), k = 0…half−1, half = F/2, computed in <paramref name="dtype"/> in PyTorch DiT's
    /// order ((−ln(maxPeriod)·k)/half, then exp) rather than in float64 and rounded: near DiT's step index t ≈ 1000 a
    /// one-ulp difference in f_k moves the features by ~1e-4, and the official weights were trained on its float32 table.
    /// </summary>
    static Tensor Frequencies(int frequencySize, Device device, ScalarType dtype, double maxPeriod)
    {
        int half = frequencySize / 2;
        return exp(arange(half, dtype, device).Times(-Math.Log(maxPeriod) / half));
    }

    /// <summary>
    /// The tangent of <see cref="FrequencyEmbedding"/> along dt: with a = t·f, d[cos a, sin a] = [−sin a, cos a]·f·dt
    /// (the odd zero column stays zero). Computed without autograd.
    /// </summary>
    public static Tensor FrequencyEmbeddingTangent(Tensor t, Tensor dt, int frequencySize, ScalarType dtype, double maxPeriod = 10000)
    {
        using var _ = no_grad();
        var frequencies = Frequencies(frequencySize, t.device, dtype, maxPeriod).unsqueeze(0);
        var arguments = t.to_type(dtype).unsqueeze(1) * frequencies;
        var slopes = dt.to_type(dtype).unsqueeze(1) * frequencies;
        var tangent = cat([-sin(arguments) * slopes, cos(arguments) * slopes], 1);
        return frequencySize % 2 == 1 ? cat([tangent, zeros_like(tangent[.., ..1])], 1) : tangent;
    }

    /// <summary>Embeds t (B) to (B, D).</summary>
    public override Tensor forward(Tensor t)
    {
        var scaled = timeScale == 1.0 ? t : t.Times(timeScale);
        return mlp.forward(FrequencyEmbedding(scaled, frequencySize, first.weight!.dtype));
    }

    /// <summary>
    /// <see cref="forward"/> and its tangent along dt (B): the frequency embedding's tangent of s·t along s·dt, then the
    /// MLP's. A null dt is a zero tangent.
    /// </summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor t, Tensor? dt)
    {
        if (dt is null)
        {
            var y = forward(t);
            using var _ = no_grad();
            return (y, zeros_like(y));
        }
        var dtype = first.weight!.dtype;
        var scaled = timeScale == 1.0 ? t : t.Times(timeScale);
        var embedding = FrequencyEmbedding(scaled, frequencySize, dtype);
        var dEmbedding = FrequencyEmbeddingTangent(scaled, timeScale == 1.0 ? dt : dt.Times(timeScale), frequencySize, dtype);
        var (h, dh) = Tangents.Linear(first, embedding, dEmbedding);
        var (a, da) = Tangents.Silu(h, dh);
        return Tangents.Linear(Tangents.LastLinear(mlp), a, da);
    }
}
