using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Xunit;

namespace Research.Framework.Tests.Networks;

/// <summary>
/// Counts against the DiT paper's table (Peebles and Xie 2023, Table 1: S 33M, B 130M, L 458M, XL 675M, for
/// 256² images = 32×32×4 latents, patch 2), within 1%. S and B are built and counted; L and XL use the closed
/// form, which the built models (S, B and tiny variants) check exactly.
/// </summary>
public class DiTParameterCountTests
{
    static long Built(DiTOptions options)
    {
        using var model = new DiT(options);
        return model.parameters().Sum(p => p.numel());
    }

    [Theory]
    [InlineData("S/2")]
    [InlineData("B/2")]
    public void BuiltPresetsHaveExactlyTheClosedFormCount(string name)
    {
        var options = DiTOptions.Preset(name, 32, 4, 1000);
        Assert.Equal(options.ParameterCount(), Built(options));
    }

    [Fact]
    public void TinyVariantsHaveExactlyTheClosedFormCount()
    {
        foreach (var options in new[] { NetworkFactory.Tiny, NetworkFactory.Tiny with { TakeDt = true }, NetworkFactory.Tiny with { NumClasses = null, MlpRatio = 2.5, FrequencyEmbedSize = 15 } })
            Assert.Equal(options.ParameterCount(), Built(options));
    }

    [Theory]
    [InlineData("S/2", 33e6)]
    [InlineData("B/2", 130e6)]
    [InlineData("L/2", 458e6)]
    [InlineData("XL/2", 675e6)]
    public void CountsMatchThePaperWithinOnePercent(string name, double paper)
    {
        long count = DiTOptions.Preset(name, 32, 4, 1000).ParameterCount();
        TensorAssert.Close(paper, count, 0.01 * paper, $"{name} parameters");
    }

    [Fact]
    public void ClosedFormMatchesTheReferenceNotesToTheDigit()
    {
        // diffuse_nnx notes §2.4: S/2 32.86M, B/2 130.30M (131.09M with dt), XL/2 674.82M (676.44M with dt).
        TensorAssert.Close(32.86e6, DiTOptions.Preset("S/2", 32, 4, 1000).ParameterCount(), 0.005e6, "S/2");
        TensorAssert.Close(131.09e6, (DiTOptions.Preset("B/2", 32, 4, 1000) with { TakeDt = true }).ParameterCount(), 0.005e6, "B/2 with dt");
        TensorAssert.Close(676.44e6, (DiTOptions.Preset("XL/2", 32, 4, 1000) with { TakeDt = true }).ParameterCount(), 0.005e6, "XL/2 with dt");
    }
}
