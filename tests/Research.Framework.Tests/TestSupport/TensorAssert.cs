using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.TestSupport;

/// <summary>Assertions and conversions for tensors in tests.</summary>
public static class TensorAssert
{
    public static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    public static double Scalar(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().item<double>();

    /// <summary>|actual − expected| ≤ atol + rtol·|expected| elementwise; the message names the worst element.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol = 0)
    {
        Assert.Equal(expected.shape, actual.shape);
        var e = Values(expected);
        var a = Values(actual);
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.Length; i++)
        {
            double excess = Math.Abs(a[i] - e[i]) - (atol + rtol * Math.Abs(e[i]));
            if (double.IsNaN(a[i]) || excess > worstExcess) { worst = i; worstExcess = double.IsNaN(a[i]) ? double.PositiveInfinity : excess; }
        }
        Assert.True(worst < 0, worst < 0 ? "" : $"element {worst}: expected {e[worst]}, got {a[worst]} (atol {atol}, rtol {rtol})");
    }

    public static void Close(double expected, double actual, double tolerance, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected} ± {tolerance}, got {actual}");
    }
}
