using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>The diffusion coefficient w(t) of <see cref="EulerMaruyama"/>, with norm c (the reference's names).</summary>
public enum DiffusionCoeff
{
    /// <summary>w = c.</summary>
    Constant,
    /// <summary>w = c·(t²/(1 − t) + t): infinite at t = 1 (start such grids below 1, e.g. UniformGrid(tStart: 0.999)).</summary>
    LinearKl,
    /// <summary>w = c·t.</summary>
    Linear,
    /// <summary>w = ¼(c·cos(πt) + 1)².</summary>
    Cos,
    /// <summary>w = ¼(c·sin(πt) + 1)².</summary>
    Concave,
}

/// <summary>The closed forms of <see cref="DiffusionCoeff"/> as functions of a time tensor.</summary>
public static class DiffusionCoefficients
{
    /// <summary>w(t) for <paramref name="coeff"/> with norm <paramref name="norm"/>.</summary>
    public static Func<Tensor, Tensor> Function(DiffusionCoeff coeff, double norm) => coeff switch
    {
        DiffusionCoeff.Constant => t => full_like(t, norm),
        DiffusionCoeff.LinearKl => t => norm * (t.square() / (1 - t) + t),
        DiffusionCoeff.Linear => t => norm * t,
        DiffusionCoeff.Cos => t => 0.25 * (norm * (Math.PI * t).cos() + 1).square(),
        DiffusionCoeff.Concave => t => 0.25 * (norm * (Math.PI * t).sin() + 1).square(),
        _ => throw new ArgumentOutOfRangeException(nameof(coeff), coeff,
            $"Unknown diffusion coefficient {coeff}. Valid choices: {string.Join(", ", Enum.GetNames<DiffusionCoeff>())}."),
    };
}
