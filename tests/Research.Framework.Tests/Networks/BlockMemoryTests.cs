using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Networks.Lightning;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

/// <summary>
/// What a forward pass leaves alive must not grow with depth: each block's input is freed once the next block ran and a
/// residual branch's intermediates once its sum exists (TransformerStem.RunBlocks, AdaLn.Residual), as PyTorch frees
/// them. Counted as the tensors left in the caller's dispose scope after the pass: one more block may not leave one more.
/// </summary>
public class BlockMemoryTests
{
    static Conditioning Labels => new(Labels: tensor(new long[] { 0, 4, 5 }));

    static int LeftAlive(nn.Module model, bool training, Action<Tensor, Tensor> pass)
    {
        model.train(training);
        using var outer = NewDisposeScope();
        var (x, t) = (randn(3, 3, 8, 8), rand(3));
        using var scope = NewDisposeScope();
        using var gradients = training ? enable_grad() : no_grad();
        pass(x, t);
        return scope.DisposablesCount;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ADiTForwardLeavesAsManyTensorsAtAnyDepth(bool training)
    {
        int Left(int depth)
        {
            using var model = new DiT(NetworkFactory.Tiny with { Depth = depth });
            return LeftAlive(model, training, (x, t) => model.Forward(x, t, Labels));
        }
        Assert.Equal(Left(2), Left(6));
    }

    [Fact]
    public void ADiTForwardWithTangentLeavesAsManyTensorsAtAnyDepth()
    {
        int Left(int depth)
        {
            using var model = new DiT(NetworkFactory.Tiny with { Depth = depth });
            return LeftAlive(model, false, (x, t) => model.ForwardWithTangent(x, t, Labels, new NetworkTangent(randn_like(x), ones_like(t))));
        }
        Assert.Equal(Left(2), Left(5));
    }

    [Fact]
    public void ALightningDiTForwardLeavesAsManyTensorsAtAnyDepth()
    {
        int Left(int depth)
        {
            using var model = new LightningDiT(new LightningDiTOptions
            {
                InputSize = 8, PatchSize = 2, InChannels = 3, HiddenSize = 32, Depth = depth, NumHeads = 4,
                FrequencyEmbedSize = 16, NumClasses = 5, Seed = 7,
            });
            return LeftAlive(model, false, (x, t) => model.Forward(x, t, Labels));
        }
        Assert.Equal(Left(2), Left(5));
    }

    [Fact]
    public void BlockFeaturesAreKeptWhenAsked()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { Depth = 3 }) { ReturnFeatures = true };
        var features = model.Forward(randn(3, 3, 8, 8), rand(3), Labels).Features;
        Assert.Equal(3, features.Count);
        Assert.All(features, f => Assert.False(f.IsInvalid));
    }
}
