using Research.Framework.Compute;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>The adaLN pieces shared by DiT blocks and the final layer, each with its forward-mode rule.</summary>
internal static class AdaLn
{
    const double Epsilon = 1e-6;

    // These hot ops make no temporary Scalar (HeldScalars says why): two sCT runs died of TorchSharp's Scalar race here.
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
        var rho = x.var(-1, unbiased: false, keepdim: true).add(EpsilonScalar, HeldScalars.One).rsqrt();
        var centred = dx - dx.mean([-1], keepdim: true);
        return (y, centred.addcmul_(y, (y * dx).mean([-1], keepdim: true), HeldScalars.MinusOne).mul_(rho));
    }

    /// <summary>x·(1 + scale) + shift with per-sample (B, D) shift and scale broadcast over the tokens of x (B, L, D).</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale) => (x * scale.unsqueeze(1).add(HeldScalars.One, HeldScalars.One)).PlusInPlace(shift.unsqueeze(1));

    /// <summary><see cref="Modulate(Tensor, Tensor, Tensor)"/> and its tangent dx·(1 + scale) + x·dscale + dshift.</summary>
    public static (Tensor Y, Tensor Dy) Modulate(Tensor x, Tensor dx, Tensor shift, Tensor dshift, Tensor scale, Tensor dscale)
    {
        var y = Modulate(x, shift, scale);
        using var _ = no_grad();
        return (y, (dx * scale.unsqueeze(1).add(HeldScalars.One, HeldScalars.One)).addcmul_(x, dscale.unsqueeze(1), HeldScalars.One).PlusInPlace(dshift.unsqueeze(1)));
    }

    /// <summary>x + gate·f with a per-sample (B, D) gate, and its tangent dx + dgate·f + gate·df.</summary>
    /// <summary>
    /// x + gate·branch(x), the adaLN-Zero residual, with the branch's intermediates (the normalised and modulated
    /// tokens, q/k/v, the MLP's hidden layer: for DiT-S/2 at batch 32 some 250 MiB a block) freed as soon as the sum
    /// exists, as PyTorch frees them, not when the block ends. A graph that saved any of them for the backward pass keeps
    /// its own reference.
    /// </summary>
    public static Tensor Residual(Tensor x, Tensor gate, Func<Tensor, Tensor> branch)
    {
        using var scope = NewDisposeScope();
        return branch(x).Through(b => b * gate.unsqueeze(1)).PlusInPlace(x).MoveToOuterDisposeScope();
    }

    public static (Tensor Y, Tensor Dy) Gated(Tensor x, Tensor dx, Tensor gate, Tensor dgate, Tensor f, Tensor df)
    {
        var y = x.Plus(gate.unsqueeze(1) * f);
        using var _ = no_grad();
        return (y, (gate.unsqueeze(1) * df).addcmul_(dgate.unsqueeze(1), f, HeldScalars.One).PlusInPlace(dx));
    }
}
