using Research.Framework.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Forward-mode rules of the libtorch layers the networks use (the framework's own modules keep theirs next to their
/// forward). Each returns the layer's output Y, computed exactly as the forward computes it (recorded by autograd when
/// gradients are on), and its tangent Dy along the input tangent dx, computed under no_grad from the primal values:
/// the tangent is a stop-gradient quantity, so it needs no graph of its own.
/// </summary>
internal static class Tangents
{
    /// <summary>y = x·Wᵀ + b; dy = dx·Wᵀ (the bias is a constant).</summary>
    public static (Tensor Y, Tensor Dy) Linear(Linear layer, Tensor x, Tensor dx)
    {
        var y = layer.forward(x);
        using var _ = no_grad();
        return (y, nn.functional.linear(dx, layer.weight!));
    }

    /// <summary>Throws unless a tangent has its primal's shape and type (checked before the native ops see them).</summary>
    public static void RequireLike(Tensor tangent, Tensor primal, string name)
    {
        if (!tangent.shape.SequenceEqual(primal.shape))
            throw new ArgumentException($"{name} must have the shape of its primal [{string.Join(", ", primal.shape)}], got [{string.Join(", ", tangent.shape)}]", name);
        if (tangent.dtype != primal.dtype)
            throw new ArgumentException($"{name} must have the type of its primal ({primal.dtype}), got {tangent.dtype}", name);
    }

    /// <summary>The last Linear of a Sequential (the adaLN modulation and the time MLP end in one).</summary>
    public static Linear LastLinear(Sequential sequential) => sequential.children().OfType<Linear>().Last();

    /// <summary>silu(z) = z·σ(z); silu′(z) = σ(z)·(1 + z·(1 − σ(z))).</summary>
    public static (Tensor Y, Tensor Dy) Silu(Tensor z, Tensor dz)
    {
        var y = nn.functional.silu(z);
        using var _ = no_grad();
        var s = z.sigmoid();
        return (y, dz * s * (z * s.neg().PlusInPlace(1.0)).PlusInPlace(1.0));
    }

    /// <summary>
    /// GELU, tanh approximation: g(z) = ½z(1 + tanh u) with u = √(2/π)(z + 0.044715z³);
    /// g′(z) = ½(1 + tanh u) + ½z(1 − tanh²u)·√(2/π)(1 + 3·0.044715z²).
    /// </summary>
    public static (Tensor Y, Tensor Dy) GeluTanh(GELU gelu, Tensor z, Tensor dz)
    {
        var y = gelu.forward(z);
        using var _ = no_grad();
        const double c = 0.7978845608028654, a = 0.044715; // √(2/π)
        // In place on this pass's own temporaries (never on z): a fresh full-size tensor per step costs page faults.
        var z2 = z.square();
        var th = z2.Times(a).PlusInPlace(1.0).mul_(z).TimesInPlace(c).tanh_();
        var slope = th.square().neg_().PlusInPlace(1.0).mul_(z2.TimesInPlace(3 * a).PlusInPlace(1.0).TimesInPlace(c)).mul_(z);   // z(1 − tanh²u)·√(2/π)(1 + 3az²)
        return (y, slope.PlusInPlace(th).PlusInPlace(1.0).TimesInPlace(0.5).mul_(dz));
    }
}
