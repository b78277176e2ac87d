using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.Interfaces.Consistency;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class LogVarianceHeadTests
{
    [Fact]
    public void TheHeadIsOffUnlessAskedForAndStartsAtZero()
    {
        using var scope = NewDisposeScope();
        var plain = new ToyMlp(new ToyMlpOptions());
        Assert.False(plain.HasLogVariance);
        Assert.DoesNotContain(plain.named_parameters(), p => p.name.StartsWith("logvar_head", StringComparison.Ordinal));
        var toy = new ToyMlp(new ToyMlpOptions { LogVarianceHead = true });
        Assert.True(toy.HasLogVariance);
        Assert.Contains(toy.named_parameters(), p => p.name == "logvar_head.linear.weight");
        TensorAssert.Close(zeros(3), toy.LogVariance(tensor(new[] { 0.1f, 0.7f, 1.5f })), 0);

        var options = new DiTOptions { InputSize = 8, PatchSize = 4, InChannels = 1, HiddenSize = 32, Depth = 1, NumHeads = 2, NumClasses = null, LogVarianceHead = true };
        var dit = new DiT(options);
        Assert.True(dit.HasLogVariance);
        Assert.Equal(options.ParameterCount(), dit.parameters().Sum(p => p.numel()));
        Assert.Equal([2L], dit.LogVariance(tensor(new[] { 0.1f, 0.9f })).shape);
    }

    /// <summary>A trained head tracks the loss level per time: fitting u(t) to L(t) = e^{2t} by minimising L/e^u + u gives u ≈ 2t.</summary>
    [Fact]
    public void MinimisingTheWeightedLossTeachesTheHeadTheLogLossLevel()
    {
        using var scope = NewDisposeScope();
        var head = new LogVarianceHead(16, timeScale: 1);
        var optimizer = optim.Adam(head.parameters(), 0.05);
        var t = linspace(0, 1, 64);
        var level = (2 * t).exp();
        for (int i = 0; i < 1500; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var u = head.forward(t);
            (level * (-u).exp() + u).mean().backward();
            optimizer.step();
        }
        using (no_grad()) TensorAssert.Close(2 * t, head.forward(t), 0.05);
    }

    [Fact]
    public void EdmsUncertaintyWeightedLossIsLOverExpUPlusU()
    {
        using var scope = NewDisposeScope();
        var options = new EdmOptions { DType = ScalarType.Float64, Seed = 2, LogVarianceWeighting = true };
        var network = new ConstantLogVariance((x, t) => 0.5 * x, -0.4);
        var x = randn(6, 2, float64, generator: new Generator(1));
        var weighted = new EdmInterface(network, TimeDist.LogNormal, options).Loss(x).Loss;
        var plain = new EdmInterface(network, TimeDist.LogNormal, options with { LogVarianceWeighting = false }).Loss(x).Loss;
        TensorAssert.Close(plain * Math.Exp(0.4) - 0.4, weighted, 1e-12);
        Assert.Throws<ArgumentException>(() => new EdmInterface(new LambdaNetwork((a, b, c) => a), TimeDist.LogNormal, options));
    }
}
