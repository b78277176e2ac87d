using Research.Framework.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

public class PrecisionRecallTests
{
    /// <summary>
    /// Hand-worked, k = 1, 1-D. Real {0, 1, 2, 3}: every nearest-other-point radius is 1. Generated {0, 1}: radii 1.
    /// Precision: 0 and 1 lie in real balls → 1. Recall: real 0 and 1 (distance 0), 2 (distance 1 to the generated 1,
    /// on the boundary, which counts) are covered; 3 is 2 away → 3/4. Exact.
    /// </summary>
    [Fact]
    public void ASubsetHasFullPrecisionAndPartialRecall()
    {
        using var scope = NewDisposeScope();
        var real = tensor(new[] { 0.0, 1, 2, 3 }).unsqueeze(1);
        var generated = tensor(new[] { 0.0, 1 }).unsqueeze(1);

        var result = PrecisionRecall.Compute(real, generated, k: 1);

        Assert.Equal(1.0, result.Precision);
        Assert.Equal(0.75, result.Recall);
    }

    /// <summary>An identical cloud (shuffled) gives 1/1 exactly; a cloud shifted far beyond every radius gives 0/0 exactly.</summary>
    [Fact]
    public void IdenticalCloudsScoreOneAndDisjointCloudsScoreZero()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8, CPU);
        var real = randn([500, 16], generator: generator);

        var same = PrecisionRecall.Compute(real, real[randperm(500, generator: generator)], k: 3, blockSize: 64);
        var disjoint = PrecisionRecall.Compute(real, real + 100, k: 3, blockSize: 64);

        Assert.Equal((1.0, 1.0), (same.Precision, same.Recall));
        Assert.Equal((0.0, 0.0), (disjoint.Precision, disjoint.Recall));
    }

    /// <summary>
    /// Mode dropping in 2-D: real = two well separated blobs, generated = fresh samples of one of them. Precision
    /// stays high (≥ 0.9: a few points fall outside the 3-NN balls) and recall drops to about one half (0.4–0.6).
    /// </summary>
    [Fact]
    public void DroppingAModeLowersRecallButNotPrecision()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(9, CPU);
        var centres = tensor(new[] { -10.0, 0, 10, 0 }, [2, 2]);
        var real = randn([1000, 2], ScalarType.Float64, generator: generator) + centres[randint(2, [1000], generator: generator)];
        var generated = randn([500, 2], ScalarType.Float64, generator: generator) + centres[0];

        var result = PrecisionRecall.Compute(real, generated);

        Assert.InRange(result.Precision, 0.9, 1.0);
        Assert.InRange(result.Recall, 0.4, 0.6);
    }
}
