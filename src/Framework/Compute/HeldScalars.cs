using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Compute;

/// <summary>
/// Tensor arithmetic that leaves no <c>Scalar</c> to the garbage collector. TorchSharp 0.107 turns every number an op takes
/// into a native <c>Scalar</c> freed only by its .NET finalizer, including the implicit alpha of every <c>a + b</c>,
/// <c>add_</c> and <c>t + 1</c>. That costs twice:
/// <list type="bullet">
/// <item>a race: the finalizer can free the Scalar while the native call made for it still reads it
/// (dotnet/TorchSharp#1434; the flaky fault named in .ci/run, which killed two sCT runs);</item>
/// <item>memory: those small native chunks live on long after their op, and glibc places them inside the holes that a
/// network block's freed activations leave, so the next block's buffers no longer fit there and the heap grows by a
/// block's activations per block (a DiT-S/2 no-grad forward at batch 32 peaked at 1.7–2.3 GiB against PyTorch's 0.67).</item>
/// </list>
/// The ops here pass Scalars that are either held for the process's life (<see cref="One"/>, <see cref="MinusOne"/>)
/// or freed deterministically right after the call, so a hot path written with them makes none of either.
/// </summary>
public static class HeldScalars
{
    /// <summary>1, held for the process's life.</summary>
    public static readonly Scalar One = 1;

    /// <summary>−1, held for the process's life.</summary>
    public static readonly Scalar MinusOne = -1;

    /// <summary>a + b (the alpha of TorchSharp's <c>+</c> is a temporary Scalar).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a + value.</summary>
    public static Tensor Plus(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.add(scalar, One);
    }

    /// <summary>a += value in place.</summary>
    public static Tensor PlusInPlace(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.add_(scalar, One);
    }

    /// <summary>a · value.</summary>
    public static Tensor Times(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.mul(scalar);
    }

    /// <summary>a · value in place.</summary>
    public static Tensor TimesInPlace(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.mul_(scalar);
    }
}
