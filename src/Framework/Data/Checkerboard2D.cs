using static TorchSharp.torch;

namespace Research.Framework.Data;

/// <summary>
/// A 4×4 checkerboard of squares of side s = √3/2 on [−2s, 2s]² = [−√3, √3]², uniform on the 8 squares whose
/// column c and row r (0…3, from −2s) have c + r even. Each marginal is then U(−√3, √3): mean 0, variance 1.
/// Label: the square's index c·2 + ⌊r/2⌋ (8 classes).
/// </summary>
public sealed class Checkerboard2D : Toy2D
{
    /// <summary>The side of one square, √3/2.</summary>
    public static readonly double Side = Math.Sqrt(3) / 2;

    /// <inheritdoc />
    public override int? NumClasses => 8;

    /// <inheritdoc />
    protected override (Tensor X, Tensor Labels) Draw(long count, Generator generator)
    {
        var column = Integers(count, 4, generator);
        var row = Integers(count, 2, generator) * 2 + column.remainder(2);
        var x = (column.to_type(ScalarType.Float64) - 2 + Uniform(count, generator)) * Side;
        var y = (row.to_type(ScalarType.Float64) - 2 + Uniform(count, generator)) * Side;
        return (stack([x, y], 1), column * 2 + row.div(2, rounding_mode: RoundingMode.floor));
    }
}
