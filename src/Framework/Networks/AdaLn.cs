using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>The adaLN pieces shared by DiT blocks and the final layer, each with its forward-mode rule.</summary>
internal static class AdaLn
{
    const double Epsilon = 1e-6;

    // The numbers these hot ops take, as Scalars held for the life of the process: a number passed straight to an op
    // becomes a temporary Scalar that TorchSharp 0.107 lets the garbage collector finalize while the native call still
    // reads it (dotnet/TorchSharp#1434, the flaky fault named in .ci/run). Two sCT runs died of it in Modulate's addcmul_.
    static readonly Scalar One = 1;
    static readonly Scalar MinusOne = -1;
    static readonly Scalar EpsilonScalar = Epsilon;

    /// <summary>The reference's LayerNorm: ε = 1e-6, no scale and no bias (the modulation supplies both).</summary>
    public static Tensor Norm(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]], null, null, Epsilon);

    /// <summary>
    /// <see cref="Norm(Tensor)"/> and its tangent. With y = (x − μ)·ρ, ρ = (var x + ε)^(−½) over the last axis:
    /// dy = ρ·(dx − mean dx − y·mean(y·dx)).
    /// </summary>
    public static (Tensor Y, Tensor Dy) Norm(Tensor x, Tensor dx)
    {
        var y = Norm(x);
        using var _ = no_grad();
        var rho = (x.var(-1, unbiased: false, keepdim: true) + EpsilonScalar).rsqrt();
        var centred = dx - dx.mean([-1], keepdim: true);
        return (y, centred.addcmul_(y, (y * dx).mean([-1], keepdim: true), MinusOne).mul_(rho));
    }

    /// <summary>x·(1 + scale) + shift with per-sample (B, D) shift and scale broadcast over the tokens of x (B, L, D).</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => x * (scale.unsqueeze(1) + One) + shift.unsqueeze(1);

    /// <summary><see cref="Modulate(Tensor, Tensor, Tensor)"/> and its tangent dx·(1 + scale) + x·dscale + dshift.</summary>
    public static (Tensor Y, Tensor Dy) Modulate(Tensor x, Tensor dx, Tensor shift, Tensor dshift, Tensor scale, Tensor dscale)
    {
        var y = Modulate(x, shift, scale);
        using var _ = no_grad();
        return (y, (dx * (scale.unsqueeze(1) + One)).addcmul_(x, dscale.unsqueeze(1), One).add_(dshift.unsqueeze(1)));
    }

    /// <summary>x + gate·f with a per-sample (B, D) gate, and its tangent dx + dgate·f + gate·df.</summary>
    public static (Tensor Y, Tensor Dy) Gated(Tensor x, Tensor dx, Tensor gate, Tensor dgate, Tensor f, Tensor df)
    {
        var y = x + gate.unsqueeze(1) * f;
        using var _ = no_grad();
        return (y, (gate.unsqueeze(1) * df).addcmul_(dgate.unsqueeze(1), f, One).add_(dx));
    }
}
