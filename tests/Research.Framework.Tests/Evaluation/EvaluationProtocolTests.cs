using Research.Framework.Evaluation;
using Research.Framework.Samplers;
using Xunit;

namespace Research.Framework.Tests.Evaluation;

public class EvaluationProtocolTests
{
    private static readonly EvaluationProtocol Base = new()
    {
        Extractor = "fmnist-cnn", ExtractorWeightsHash = "aa", ReferenceHash = "bb", Samples = 10_000, MinimumSamples = 10_000,
        Sampler = "Heun", Steps = 32, GuidanceScale = 1.5, GuidanceInterval = new TimeInterval(0.1, 0.9), Seed = 7,
    };

    public static TheoryData<string, EvaluationProtocol> OneFieldChanged() => new()
    {
        { "Extractor", Base with { Extractor = "fid-inception-v3" } },
        { "ExtractorWeightsHash", Base with { ExtractorWeightsHash = "ab" } },
        { "ReferenceHash", Base with { ReferenceHash = "bc" } },
        { "Samples", Base with { Samples = 50_000 } },
        { "MinimumSamples", Base with { MinimumSamples = 5_000 } },
        { "Sampler", Base with { Sampler = "Euler" } },
        { "Steps", Base with { Steps = 33 } },
        { "GuidanceScale", Base with { GuidanceScale = 1.5000000000000002 } },
        { "GuidanceInterval", Base with { GuidanceInterval = new TimeInterval(0.1, 1.0) } },
        { "Seed", Base with { Seed = 8 } },
        { "Guide", Base with { Guide = "runs/sit-checkerboard/small" } },
    };

    /// <summary>The guide field came later: a classifier-free (null-label) protocol lists no Guide, so hashes stored before it stay valid.</summary>
    [Fact]
    public void NullLabelGuideLeavesTheFieldsAsTheyWere()
    {
        Assert.Equal(GuidanceSettings.NullLabelGuide, Base.Guide);
        Assert.DoesNotContain(Base.Fields(), f => f.Name == "Guide");
        Assert.Contains(("Guide", "runs/a"), (Base with { Guide = "runs/a" }).Fields());
    }

    /// <summary>Every field enters the hash (even a one-ulp guidance change), and the comparison names exactly that field.</summary>
    [Theory]
    [MemberData(nameof(OneFieldChanged))]
    public void ChangingAnyFieldChangesTheHashAndIsNamedOnComparison(string field, EvaluationProtocol changed)
    {
        Assert.NotEqual(Base.Hash(), changed.Hash());
        Assert.Equal([field], Base.DifferingFields(changed));
        var a = new MetricResult("FD", 3.0, Base);
        var b = new MetricResult("FD", 2.0, changed);
        var error = Assert.Throws<ProtocolMismatchException>(() => a.Difference(b));
        Assert.Equal([field], error.Fields);
        Assert.Contains(field, error.Message);
    }

    /// <summary>The hash ignores record identity; equal protocols compare, and a different metric name is refused.</summary>
    [Fact]
    public void EqualProtocolsCompareAndDifferentMetricsDoNot()
    {
        var copy = Base with { };
        Assert.Equal(Base.Hash(), copy.Hash());
        Assert.Equal(1.0, new MetricResult("FD", 3.0, Base).Difference(new MetricResult("FD", 2.0, copy)), 12);
        Assert.Throws<InvalidOperationException>(() => new MetricResult("FD", 3.0, Base).Difference(new MetricResult("MMD", 2.0, copy)));
    }

    /// <summary>Fewer samples than the minimum is a preview, and the label says so.</summary>
    [Fact]
    public void TooFewSamplesIsLabelledAPreview()
    {
        var preview = new MetricResult("FD", 3.0, Base with { Samples = 500 });
        Assert.True(preview.IsPreview);
        Assert.Equal("FD (preview)", preview.Label);
        Assert.False(new MetricResult("FD", 3.0, Base).IsPreview);
    }
}
