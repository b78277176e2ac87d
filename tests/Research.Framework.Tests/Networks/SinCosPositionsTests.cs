using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class SinCosPositionsTests
{
    /// <summary>The closed form, element by element in double: [sin jω, cos jω, sin iω, cos iω], ω_k = 10000^(−4k/D).</summary>
    static double[] ClosedForm(int d, int side)
    {
        int q = d / 4;
        var table = new double[side * side * d];
        for (int i = 0; i < side; i++)
            for (int j = 0; j < side; j++)
                for (int k = 0; k < q; k++)
                {
                    double omega = Math.Pow(10000, -(double)k / q);
                    int token = (i * side + j) * d;
                    table[token + k] = Math.Sin(j * omega);
                    table[token + q + k] = Math.Cos(j * omega);
                    table[token + 2 * q + k] = Math.Sin(i * omega);
                    table[token + 3 * q + k] = Math.Cos(i * omega);
                }
        return table;
    }

    [Theory]
    [InlineData(32, 4)]
    [InlineData(384, 16)]
    public void TableMatchesTheClosedForm(int d, int side)
    {
        using var scope = NewDisposeScope();
        var table = SinCosPositions.Table(d, side);
        Assert.Equal(new long[] { 1, side * side, d }, table.shape);
        Assert.Equal(ScalarType.Float32, table.dtype);
        TensorAssert.Close(tensor(ClosedForm(d, side)).reshape(1, side * side, d), table, 1e-6);
    }

    [Fact]
    public void ModelBufferIsTheTable()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny);
        TensorAssert.Close(tensor(ClosedForm(32, 4)).reshape(1, 16, 32), model.state_dict()["pos_embed"], 1e-6);
    }
}
