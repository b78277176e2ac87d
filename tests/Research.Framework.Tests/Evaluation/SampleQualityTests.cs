using Research.Framework.Data;
using Research.Framework.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

public class SampleQualityTests
{
    /// <summary>
    /// Exact samples of Two Moons score far below the noise baselines (SWD under half of its noise value, MMD² under
    /// a tenth), a shifted copy scores worse than exact samples, and every result carries an 'exact:TwoMoons'
    /// reference and the sample count (2,000 &lt; 10,000: a preview).
    /// </summary>
    [Fact]
    public void ToyMetricsSeparateTrueSamplesFromNoiseAndShifts()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(17, CPU);
        var dataset = new TwoMoons();
        var exact = dataset.Sample(2000, generator).X;

        var good = SampleQuality.ForToy2D(exact, dataset, generator).ToDictionary(r => r.Name);
        var shifted = SampleQuality.ForToy2D(exact + 0.5, dataset, generator).ToDictionary(r => r.Name);

        Assert.True(good["SWD"].Value < 0.5 * good["SWD noise"].Value, $"{good["SWD"]} vs {good["SWD noise"]}");
        Assert.True(good["MMD2"].Value < 0.1 * good["MMD2 noise"].Value, $"{good["MMD2"]} vs {good["MMD2 noise"]}");
        Assert.True(shifted["SWD"].Value > good["SWD"].Value && shifted["MMD2"].Value > good["MMD2"].Value);
        Assert.All(good.Values, r => Assert.Equal(("exact:TwoMoons", 2000, true), (r.Protocol.ReferenceHash, r.Protocol.Samples, r.IsPreview)));
    }
}
