using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class LabelDropoutTests
{
    static LabelEmbedder Embedder(Generator dropout, double p = 0.1)
    {
        using var init = new Generator(0);
        return new LabelEmbedder(10, 8, p, init, 0) { LabelDropout = dropout };
    }

    /// <summary>n = 20000 draws at p = 0.1: the drop count is Binomial with sd √(n·p·(1−p)) ≈ 42; we allow 5 sd.</summary>
    [Fact]
    public void DropsAtTheStatedRateInTrainModeOnly()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        using var embedder = Embedder(generator);
        const int n = 20000;
        var labels = arange(n, ScalarType.Int64) % 10;

        embedder.train();
        double dropped = TensorAssert.Scalar(embedder.Drop(labels).eq(10).sum());
        TensorAssert.Close(0.1 * n, dropped, 5 * Math.Sqrt(n * 0.1 * 0.9), "drops in train mode");
        var kept = embedder.Drop(labels);
        Assert.True(TensorAssert.Scalar(kept.ne(labels).logical_and(kept.ne(10)).sum()) == 0, "a label changed to something other than the null label");

        embedder.eval();
        TensorAssert.Close(labels, embedder.Drop(labels), 0);
    }

    [Fact]
    public void DropsComeFromTheGivenGeneratorNotTheGlobalOne()
    {
        using var scope = NewDisposeScope();
        var labels = arange(1000, ScalarType.Int64) % 10;
        Tensor Draw(int globalSeed)
        {
            using var generator = new Generator(5);
            using var embedder = Embedder(generator, 0.5);
            manual_seed(globalSeed);
            return embedder.Drop(labels);
        }
        TensorAssert.Close(Draw(1), Draw(2), 0);
    }

    [Fact]
    public void DiTUsesAnAssignedStreamAndDropsEverythingAtRateOne()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { ClassDropoutProb = 1 });
        using var streams = new RandomStreams(3);
        model.LabelDropout = streams.LabelDropout;
        Assert.Same(streams.LabelDropout, model.LabelDropout);
        NetworkFactory.Randomize(model, 6);
        var x = randn(3, 3, 8, 8);
        var t = rand(3);
        var labels = new Conditioning(Labels: tensor(new long[] { 0, 1, 2 }));
        model.eval();
        var conditional = model.Forward(x, t, labels).Output;
        var unconditional = model.Forward(x, t, Conditioning.None).Output;
        model.train();
        TensorAssert.Close(unconditional, model.Forward(x, t, labels).Output, 1e-6);
        Assert.True(TensorAssert.Scalar((conditional - unconditional).abs().max()) > 1e-4);
    }
}
