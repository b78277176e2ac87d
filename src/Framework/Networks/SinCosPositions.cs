using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The fixed 2-D sin-cos position table (MAE style) of the reference's <c>get_2d_sincos_pos_embed</c>.
/// For the token at row i, column j (token index i·S + j) the D features are four blocks of D/4:
/// [sin(j·ω), cos(j·ω), sin(i·ω), cos(i·ω)] with ω_k = 10000^(−k/(D/4)), k = 0…D/4 − 1 (column first,
/// because the reference's meshgrid puts the column coordinate in grid[0]).
/// </summary>
public static class SinCosPositions
{
    /// <summary>The table (1, S², D) for an S×S grid, computed in float64 and returned in float32.</summary>
    public static Tensor Table(int hiddenSize, int gridSize)
    {
        if (hiddenSize % 4 != 0) throw new ArgumentException($"the hidden size must be divisible by 4 for 2-D sin-cos positions, got {hiddenSize}", nameof(hiddenSize));
        using var scope = NewDisposeScope();
        int quarter = hiddenSize / 4;
        var omega = pow(10000.0, -arange(quarter, ScalarType.Float64) / quarter);
        var position = arange(gridSize, ScalarType.Float64);
        var row = position.repeat_interleave(gridSize);        // i for token i·S + j
        var column = position.repeat(gridSize);                // j
        var rowAngles = row.unsqueeze(1) * omega.unsqueeze(0);
        var columnAngles = column.unsqueeze(1) * omega.unsqueeze(0);
        var table = cat([sin(columnAngles), cos(columnAngles), sin(rowAngles), cos(rowAngles)], 1);
        return table.unsqueeze(0).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
