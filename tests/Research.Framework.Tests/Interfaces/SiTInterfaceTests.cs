using Research.Framework.Interfaces;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Interfaces;

public class SiTInterfaceTests
{
    static readonly SiTOptions Float64 = new() { DType = ScalarType.Float64, Seed = 11 };

    static SiTInterface Make(Func<Tensor, Tensor, Conditioning, Tensor> f, TimeDist dist = TimeDist.Uniform, SiTOptions? options = null) =>
        new(new LambdaNetwork(f), dist, options ?? Float64);

    [Fact]
    public void PreconditioningIsTheIdentity()
    {
        using var scope = NewDisposeScope();
        var sit = Make((x, t, c) => x);
        var t = tensor(new[] { 0.1, 0.5, 0.9 });
        TensorAssert.Close(ones(3, float64), sit.CIn(t), 0);
        TensorAssert.Close(ones(3, float64), sit.COut(t), 0);
        TensorAssert.Close(zeros(3, float64), sit.CSkip(t), 0);
        TensorAssert.Close(t, sit.CNoise(t), 0);
    }

    [Fact]
    public void PathInterpolatesLinearlyAndTargetIsNoiseMinusData()
    {
        using var scope = NewDisposeScope();
        var sit = Make((x, t, c) => x);
        var x = tensor(new[] { 1.0, 2.0, -1.0, 0.5 }).reshape(2, 2);
        var n = tensor(new[] { 0.0, 1.0, 3.0, -2.0 }).reshape(2, 2);
        var t = tensor(new[] { 0.25, 1.0 });
        TensorAssert.Close(tensor(new[] { 0.75, 1.75, 3.0, -2.0 }).reshape(2, 2), sit.SampleXt(x, n, t), 1e-15);
        TensorAssert.Close(tensor(new[] { -1.0, -1.0, 4.0, -2.5 }).reshape(2, 2), sit.Target(x, n, t), 1e-15);
    }

    [Fact]
    public void PredEqualsTheTargetForANetworkThatKnowsNoiseMinusData()
    {
        using var scope = NewDisposeScope();
        var x = randn(8, 3, float64);
        var n = randn(8, 3, float64);
        var sit = Make((input, t, c) => n - x);
        var t = rand(8, float64);
        TensorAssert.Close(sit.Target(x, n, t), sit.Pred(sit.SampleXt(x, n, t), t), 1e-15);
    }

    /// <summary>
    /// Data N(0, s²): x_t ~ N(0, V) with V = (1 − t)²s² + t², the exact velocity is E[n − x | x_t] = (t − (1 − t)s²)/V·x_t
    /// and the exact score is −x_t/V. A LambdaNetwork returning the exact velocity must give the exact score.
    /// </summary>
    [Fact]
    public void ScoreIsExactForGaussianData()
    {
        using var scope = NewDisposeScope();
        const double s = 0.7;
        static Tensor Variance(Tensor t) => (1 - t).square() * s * s + t.square();
        var sit = Make((xt, t, c) => Interface.BcastRight((t - (1 - t) * s * s) / Variance(t), xt) * xt);
        var xt = randn(64, 2, float64);
        var t = rand(64, float64) * 0.98 + 0.01;
        TensorAssert.Close(-xt / Interface.BcastRight(Variance(t), xt), sit.Score(xt, t), 1e-12, 1e-12);
    }

    [Fact]
    public void LossShiftsTimesForResolutionAndRegressesOntoNoiseMinusData()
    {
        using var scope = NewDisposeScope();
        Tensor? seenT = null, seenInput = null;
        var sit = Make((input, t, c) =>
        {
            seenT = t.detach().clone();
            seenInput = input.detach().clone();
            return input.tanh();
        }, TimeDist.LogitNormal);
        var twin = Make((input, t, c) => input, TimeDist.LogitNormal); // same seed: the same draws
        var x = randn(16, 2, float64);

        var loss = sit.Loss(x);

        var expectedT = Interface.TShift(twin.SampleT(16), Math.Sqrt(2.0 / 4096));
        var n = twin.SampleN(16, 2);
        TensorAssert.Close(expectedT, seenT!, 1e-15);
        var xt = Interface.BcastRight(1 - expectedT, x) * x + Interface.BcastRight(expectedT, x) * n;
        TensorAssert.Close(xt, seenInput!, 1e-14);
        TensorAssert.Close((xt.tanh() - (n - x)).square().mean([1]), loss.Loss, 1e-14);
        Assert.Equal(new long[] { 16 }, loss.Loss.shape);
        Assert.Equal(new[] { "loss" }, loss.Keys);
    }

    [Fact]
    public void NoShiftAtTheBaseResolution()
    {
        using var scope = NewDisposeScope();
        var sit = Make((x, t, c) => x);
        Assert.Equal(1.0, sit.ResolutionShift(zeros(2, 4, 32, 32)), 12);
        Assert.Equal(2.0, sit.ResolutionShift(zeros(2, 4, 64, 64)), 12);
    }

    [Fact]
    public void RejectsLogNormalTimesNamingTheValidChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => Make((x, t, c) => x, TimeDist.LogNormal));
        Assert.Contains("LogNormal", error.Message);
        Assert.Contains("Uniform", error.Message);
        Assert.Contains("LogitNormal", error.Message);
    }
}

public class InterfaceHelperTests
{
    [Fact]
    public void TShiftMatchesItsClosedForm()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new[] { 0.0, 0.25, 0.5, 1.0 });
        // s·t/(1 + (s − 1)·t) with s = 3: 0, 0.75/1.5, 1.5/2, 1.
        TensorAssert.Close(tensor(new[] { 0.0, 0.5, 0.75, 1.0 }), Interface.TShift(t, 3), 1e-15);
        TensorAssert.Close(t, Interface.TShift(t, 1), 0);
        // Shifting by s then by 1/s is the identity (the shift is a Möbius map with inverse 1/s).
        TensorAssert.Close(t, Interface.TShift(Interface.TShift(t, 3), 1.0 / 3), 1e-15);
    }

    [Fact]
    public void MeanFlatAndBcastRight()
    {
        using var scope = NewDisposeScope();
        var x = arange(24, float64).reshape(2, 3, 4);
        TensorAssert.Close(tensor(new[] { 5.5, 17.5 }), Interface.MeanFlat(x), 1e-15);
        TensorAssert.Close(tensor(new[] { 66.0, 210.0 }), Interface.SumFlat(x), 1e-15);
        var b = Interface.BcastRight(tensor(new[] { 1.0, 2.0 }), x);
        Assert.Equal(new long[] { 2, 1, 1 }, b.shape);
        Assert.Throws<ArgumentException>(() => Interface.BcastRight(x, tensor(new[] { 1.0, 2.0 })));
    }

    [Fact]
    public void NullLabelIsNumClassesAndItsAbsenceIsAClearError()
    {
        using var scope = NewDisposeScope();
        var conditional = new SiTInterface(new LambdaNetwork((x, t, c) => x, numClasses: 10), TimeDist.Uniform);
        Assert.Equal(new long[] { 10, 10, 10 }, conditional.NullLabels(3).data<long>().ToArray());

        var unconditional = new SiTInterface(new LambdaNetwork((x, t, c) => x), TimeDist.Uniform);
        var error = Assert.Throws<InvalidOperationException>(() => unconditional.NullLabels(3));
        Assert.Contains("NumClasses", error.Message);
    }

    [Fact]
    public void TimeMustBeAScalarOrOnePerSample()
    {
        using var scope = NewDisposeScope();
        var sit = new SiTInterface(new LambdaNetwork((x, t, c) => x), TimeDist.Uniform);
        var x = ones(4, 2);
        TensorAssert.Close(x * 0.5, sit.SampleXt(x, zeros(4, 2), tensor(0.5f)), 0);
        var error = Assert.Throws<ArgumentException>(() => sit.SampleXt(x, zeros(4, 2), ones(3)));
        Assert.Contains("length 4", error.Message);
    }
}
