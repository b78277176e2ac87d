using Research.Framework.Compute;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Compute;

/// <summary>The Scalar-free arithmetic against the same sums and products written element by element.</summary>
public class HeldScalarsTests
{
    [Fact]
    public void EachOpComputesWhatItsNameSays()
    {
        using var scope = NewDisposeScope();
        double[] a = [1.5, -2, 0.25], b = [4, 0.5, -1];
        Tensor A() => tensor(a, ScalarType.Float64);
        var B = tensor(b, ScalarType.Float64);
        double[] Each(Func<int, double> f) => [.. Enumerable.Range(0, 3).Select(f)];

        Assert.Equal(Each(i => a[i] + b[i]), TensorAssert.Values(A().Plus(B)));
        Assert.Equal(Each(i => a[i] + 0.75), TensorAssert.Values(A().Plus(0.75)));
        Assert.Equal(Each(i => a[i] * -3), TensorAssert.Values(A().Times(-3)));
        Assert.Equal(Each(i => a[i] + b[i]), TensorAssert.Values(A().PlusInPlace(B)));
        Assert.Equal(Each(i => a[i] + 2), TensorAssert.Values(A().PlusInPlace(2)));
        Assert.Equal(Each(i => a[i] * 0.5), TensorAssert.Values(A().TimesInPlace(0.5)));
    }

    [Fact]
    public void InPlaceOpsChangeTheirTensorAndOthersDoNot()
    {
        using var scope = NewDisposeScope();
        var a = ones(3, dtype: ScalarType.Float64);
        a.Plus(1.0);
        a.Times(5);
        Assert.Equal([1.0, 1, 1], TensorAssert.Values(a));
        Assert.Same(a, a.PlusInPlace(1.0));
        Assert.Equal([2.0, 2, 2], TensorAssert.Values(a));
    }
}
