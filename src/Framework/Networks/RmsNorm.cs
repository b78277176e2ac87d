using Research.Framework.Compute;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// RMSNorm (Zhang and Sennrich 2019, as LLaMA writes it): y = x·rsqrt(mean(x²) + ε)·w over the last axis, ε = 1e-6,
/// with a learnable weight w that starts at ones. Like the reference, a half-precision input is normalised in float32
/// and cast back before the weight multiplies it; float32 and float64 inputs stay in their own type.
/// <para>State names: <c>weight</c> (size).</para>
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    const double Epsilon = 1e-6;
    private readonly Parameter weight;

    public RmsNorm(int size) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(size));
        RegisterComponents();
    }

    /// <summary>Normalises the last axis of x, which must have the weight's size.</summary>
    public override Tensor forward(Tensor x)
    {
        bool narrow = x.dtype is ScalarType.BFloat16 or ScalarType.Float16;
        var wide = narrow ? x.to_type(ScalarType.Float32) : x;
        var normed = wide * wide.square().mean([-1], keepdim: true).Plus(Epsilon).rsqrt();
        return (narrow ? normed.to_type(x.dtype) : normed) * weight;
    }

    /// <summary>
    /// <see cref="forward"/> and its tangent. With ρ = (mean(x²) + ε)^(−½) and n = x·ρ: dy = w·ρ·(dx − n·mean(n·dx)).
    /// </summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx)
    {
        var y = forward(x);
        using var _ = no_grad();
        var rho = x.square().mean([-1], keepdim: true).Plus(Epsilon).rsqrt();
        var n = x * rho;
        return (y, dx.addcmul(n, (n * dx).mean([-1], keepdim: true), HeldScalars.MinusOne).mul_(rho).mul_(weight));
    }
}
