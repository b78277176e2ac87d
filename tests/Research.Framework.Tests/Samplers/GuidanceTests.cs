using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Samplers;

/// <summary>Classifier-free guidance: the guided field, the interval, the null label, the guide model and call counts.</summary>
public class GuidanceTests
{
    const int NullLabel = 10;

    /// <summary>One network with classes: the conditional field c(x) = 2x + 1 for real labels, u(x) = −x for the null label.</summary>
    static SiTInterface Conditional(Counter counter, List<long[]>? labels = null) => Fields.SiT((x, t, c) =>
    {
        labels?.Add(c.Labels!.data<long>().ToArray());
        var isNull = Interface.BcastRight(c.Labels!.eq(NullLabel), x);
        return where(isNull, -x, 2 * x + 1);
    }, counter, numClasses: NullLabel);

    static SampleOptions Guided(double w, int batch) => new()
    {
        GuidanceScale = w,
        Conditioning = new Conditioning(Labels: full([batch], 3L)),
        CustomGrid = tensor(new[] { 0.6, 0.5 }),
    };

    /// <summary>One Euler step from t = 0.6 to 0.5 recovers the field: d = (x_next − 0.6·x)/(−0.1) = u + w·(c − u).</summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(0.0)]
    public void GuidedFieldIsUnconditionalPlusScaledDifference(double w)
    {
        using var scope = NewDisposeScope();
        var counter = new Counter();
        var labels = new List<long[]>();
        var x = randn(4, 2, float64);
        var next = new Euler(1).Sample(Conditional(counter, labels), x, Guided(w, 4));
        var start = 0.6 * x;
        var (c, u) = (2 * start + 1, -start);
        TensorAssert.Close(u + w * (c - u), (next - start) / -0.1, 1e-12);
        Assert.Equal(w == 1 ? 1 : 2, counter.Count);
        Assert.Equal(new long[] { 3, 3, 3, 3 }, labels[0]);
        if (w != 1) Assert.Equal(new long[] { NullLabel, NullLabel, NullLabel, NullLabel }, labels[1]);
    }

    /// <summary>
    /// Constant fields c = 1 and u = −2, w = 3, interval [0.4, 0.6], grid 0.9 → 0.5 → 0.1 → 0: the field is 1 at
    /// t = 0.9 and 0.1 (outside) and −2 + 3·3 = 7 at t = 0.5, so x_final = 0.9·x − 0.4·1 − 0.4·7 − 0.1·1; the
    /// unconditional branch runs only at t = 0.5 (4 calls).
    /// </summary>
    [Fact]
    public void GuidanceAppliesOnlyInsideTheInterval()
    {
        using var scope = NewDisposeScope();
        var counter = new Counter();
        var model = Fields.SiT((x, t, c) => where(Interface.BcastRight(c.Labels!.eq(NullLabel), x), full_like(x, -2.0), ones_like(x)), counter, NullLabel);
        var x = randn(3, float64);
        var options = new SampleOptions
        {
            GuidanceScale = 3,
            GuidanceInterval = new TimeInterval(0.4, 0.6),
            Conditioning = new Conditioning(Labels: full([3], 1L)),
            CustomGrid = tensor(new[] { 0.9, 0.5, 0.1, 0.0 }),
        };
        var result = new Euler(3).Sample(model, x, options);
        TensorAssert.Close(0.9 * x - 3.3, result, 1e-12);
        Assert.Equal(4, counter.Count);
    }

    /// <summary>
    /// The interval is in the interface's own time: SiT sampled on a Karras grid (noise levels σ up to 80) calls its
    /// network at t = σ/(1 + σ) ∈ [0, 1), and the null-label branch runs exactly at the called times inside [0.2, 0.8],
    /// which include times above 0.45 (σ > 0.8: an interval read as σ would leave those out) and exclude the others.
    /// </summary>
    [Fact]
    public void TheIntervalIsInTheModelsOwnTimeOnASigmaGrid()
    {
        using var scope = NewDisposeScope();
        var (conditionalTimes, guideTimes) = (new List<double>(), new List<double>());
        var model = Fields.SiT((x, t, c) =>
        {
            bool isNull = c.Labels!.data<long>()[0] == NullLabel;
            (isNull ? guideTimes : conditionalTimes).Add(t.data<double>()[0]);
            return isNull ? -x : 2 * x + 1;
        }, numClasses: NullLabel);
        var options = new SampleOptions
        {
            GuidanceScale = 2,
            GuidanceInterval = new TimeInterval(0.2, 0.8),
            Conditioning = new Conditioning(Labels: full([3], 1L)),
        };
        new Euler(12, new KarrasGrid()).Sample(model, randn(3, 2, float64), options);
        Assert.All(conditionalTimes, t => Assert.InRange(t, 0, 80.0 / 81 + 1e-12));
        Assert.Equal(conditionalTimes.Where(t => t >= 0.2 && t <= 0.8), guideTimes);
        Assert.Contains(guideTimes, t => t > 0.45);
        Assert.Contains(conditionalTimes, t => t < 0.2);
        Assert.Contains(conditionalTimes, t => t > 0.8);
    }

    /// <summary>A separate guide network: the unconditional branch runs on it (with its null label), once per step.</summary>
    [Fact]
    public void GuideModelRunsTheUnconditionalBranch()
    {
        using var scope = NewDisposeScope();
        var (mainCalls, guideCalls) = (new Counter(), new Counter());
        var main = Fields.SiT((x, t, c) => 2 * x + 1, mainCalls, numClasses: NullLabel);
        var guide = Fields.SiT((x, t, c) =>
        {
            Assert.Equal(NullLabel, c.Labels!.data<long>()[0]);
            return -x;
        }, guideCalls, numClasses: NullLabel);
        var x = randn(4, 2, float64);
        var next = new Euler(1).Sample(main, x, Guided(2.5, 4) with { GuideModel = guide });
        var start = 0.6 * x;
        TensorAssert.Close(-start + 2.5 * (3 * start + 1), (next - start) / -0.1, 1e-12);
        Assert.Equal((1, 1), (mainCalls.Count, guideCalls.Count));
    }

    /// <summary>
    /// Autoguidance: the guide network is called with the caller's labels (EDM2's gnet(x, t, labels)), never the null
    /// label, so a guide that would answer the null label differently gives another field; d = g + w·(c − g).
    /// </summary>
    [Fact]
    public void AutoguideReceivesTheCallersLabels()
    {
        using var scope = NewDisposeScope();
        var (mainCalls, guideCalls) = (new Counter(), new Counter());
        var guideLabels = new List<long[]>();
        var main = Fields.SiT((x, t, c) => 2 * x + 1, mainCalls, numClasses: NullLabel);
        // The guide: 0.5·x for a real label, 100 for the null label (a CFG-style call would show up in the field).
        var guide = Fields.SiT((x, t, c) =>
        {
            guideLabels.Add(c.Labels!.data<long>().ToArray());
            return where(Interface.BcastRight(c.Labels!.eq(NullLabel), x), full_like(x, 100.0), 0.5 * x);
        }, guideCalls, numClasses: NullLabel);
        var x = randn(4, 2, float64);
        var next = new Euler(1).Sample(main, x, Guided(2.5, 4) with { GuideModel = guide, GuideInput = GuideInput.CallerLabels });
        var start = 0.6 * x;
        TensorAssert.Close(0.5 * start + 2.5 * (2 * start + 1 - 0.5 * start), (next - start) / -0.1, 1e-12);
        Assert.Equal(new long[] { 3, 3, 3, 3 }, Assert.Single(guideLabels));
        Assert.Equal((1, 1), (mainCalls.Count, guideCalls.Count));
    }

    /// <summary>An unconditional guide network (no classes) is allowed: it gets no labels, in either guide mode.</summary>
    [Theory]
    [InlineData(GuideInput.CallerLabels)]
    [InlineData(GuideInput.NullLabel)]
    public void UnconditionalGuideGetsNoLabels(GuideInput input)
    {
        using var scope = NewDisposeScope();
        var main = Fields.SiT((x, t, c) => 2 * x + 1, numClasses: NullLabel);
        var guide = Fields.SiT((x, t, c) =>
        {
            Assert.Null(c.Labels);
            return -x;
        });
        var x = randn(4, 2, float64);
        var next = new Euler(1).Sample(main, x, Guided(3, 4) with { GuideModel = guide, GuideInput = input });
        var start = 0.6 * x;
        TensorAssert.Close(-start + 3 * (3 * start + 1), (next - start) / -0.1, 1e-12);
    }

    /// <summary>Heun's corrector evaluates both branches at the predicted point: 4 calls per step, 2 on the Euler last step.</summary>
    [Fact]
    public void HeunGuidesThePredictorAndTheCorrector()
    {
        using var scope = NewDisposeScope();
        var counter = new Counter();
        new Heun(3).Sample(Conditional(counter), randn(4, 2, float64), Guided(2, 4) with { CustomGrid = null });
        Assert.Equal(2 * 4 + 2, counter.Count);
    }

    /// <summary>w ≠ 1 with a network without classes fails with the interface's NullLabels error before any model call.</summary>
    [Fact]
    public void GuidanceWithoutClassesFailsBeforeAnyStep()
    {
        using var scope = NewDisposeScope();
        var counter = new Counter();
        var model = Fields.SiT((x, t, c) => x, counter);
        var error = Assert.Throws<InvalidOperationException>(() => new Euler(4).Sample(model, randn(2, float64), new SampleOptions { GuidanceScale = 2 }));
        Assert.Contains("NumClasses", error.Message);
        Assert.Equal(0, counter.Count);
    }
}
