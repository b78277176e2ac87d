using Research.Framework.Differentiation;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class DiTBehaviourTests
{
    static Conditioning Labels => new(Labels: tensor(new long[] { 0, 4, 5 }));

    [Fact]
    public void OutputIsExactlyZeroAtInitButNotAfterTraining()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        var x = randn(3, 3, 8, 8);
        var output = model.Forward(x, rand(3), Labels with { Dt = rand(3) }).Output;
        Assert.Equal(new long[] { 3, 3, 8, 8 }, output.shape);
        Assert.Equal(0.0, TensorAssert.Scalar(output.abs().max()));

        // One SGD step on a non-zero target moves the zero-initialised final layer.
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        nn.functional.mse_loss(model.Forward(x, rand(3), Labels).Output, ones_like(x)).backward();
        optimizer.step();
        Assert.True(TensorAssert.Scalar(model.Forward(x, rand(3), Labels).Output.abs().max()) > 0);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsWhateverTheGlobalGenerator()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var a = new DiT(NetworkFactory.Tiny);
        manual_seed(2);
        using var b = new DiT(NetworkFactory.Tiny);
        using var c = new DiT(NetworkFactory.Tiny with { Seed = 8 });
        var sa = a.state_dict();
        var sc = c.state_dict();
        foreach (var (name, tensor) in b.state_dict()) TensorAssert.Close(sa[name], tensor, 0);
        Assert.NotEqual(TensorAssert.Values(sa["blocks.0.attn.qkv.weight"]), TensorAssert.Values(sc["blocks.0.attn.qkv.weight"]));
    }

    [Fact]
    public void InitFollowsTheReferenceTable()
    {
        using var scope = NewDisposeScope();
        var o = DiTOptions.Preset("S/2", 32, 4, 1000);
        using var model = new DiT(o);
        var s = model.state_dict();
        double d = o.HiddenSize;
        // Xavier-uniform on the flattened kernel: U(±a) has std a/√3.
        double patchA = Math.Sqrt(6 / (4 * 4 + d)), qkvA = Math.Sqrt(1.5 / d), fc1A = Math.Sqrt(6 / (d + 4 * d));
        TensorAssert.Close(patchA / Math.Sqrt(3), TensorAssert.Scalar(s["x_embedder.weight"].std()), 0.03 * patchA, "patch std");
        TensorAssert.Close(qkvA / Math.Sqrt(3), TensorAssert.Scalar(s["blocks.3.attn.qkv.weight"].std()), 0.01 * qkvA, "qkv std");
        TensorAssert.Close(fc1A / Math.Sqrt(3), TensorAssert.Scalar(s["blocks.3.mlp.fc1.weight"].std()), 0.01 * fc1A, "fc1 std");
        Assert.True(TensorAssert.Scalar(s["blocks.3.attn.qkv.weight"].abs().max()) <= qkvA);
        TensorAssert.Close(0.02, TensorAssert.Scalar(s["t_embedder.mlp.2.weight"].std()), 0.0005, "time MLP std");
        TensorAssert.Close(0.02, TensorAssert.Scalar(s["y_embedder.embedding_table.weight"].std()), 0.0005, "label table std");
        foreach (var zero in new[] { "x_embedder.bias", "blocks.3.attn.qkv.bias", "blocks.3.mlp.fc2.bias", "blocks.3.adaLN_modulation.1.weight", "final_layer.linear.weight", "final_layer.adaLN_modulation.1.bias" })
            Assert.Equal(0.0, TensorAssert.Scalar(s[zero].abs().max()));
    }

    [Fact]
    public void DtChangesTheOutputOnlyWhenTheModelTakesDt()
    {
        using var scope = NewDisposeScope();
        using var withDt = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        using var withoutDt = new DiT(NetworkFactory.Tiny);
        NetworkFactory.Randomize(withDt, 1);
        NetworkFactory.Randomize(withoutDt, 1);
        withDt.eval();
        withoutDt.eval();
        var x = randn(3, 3, 8, 8);
        var t = rand(3);
        var dt = rand(3) + 0.5;

        var a = withDt.Forward(x, t, Labels with { Dt = dt }).Output;
        var b = withDt.Forward(x, t, Labels).Output;
        Assert.True(TensorAssert.Scalar((a - b).abs().max()) > 1e-4, "dt must change the output of a dt model");
        // Not bit-exact: a test running in parallel may switch the process-wide flash-attention kernel off (double-VJP
        // JVPs do) between two forwards, which changes rounding (2e-7 seen). 1e-5 is far below dt's effect (> 1e-4).
        TensorAssert.Close(withDt.Forward(x, t, Labels with { Dt = zeros(3) }).Output, b, 1e-5); // null Dt = zeros (B)

        TensorAssert.Close(withoutDt.Forward(x, t, Labels).Output, withoutDt.Forward(x, t, Labels with { Dt = dt }).Output, 1e-5);
    }

    [Fact]
    public void DtEmbedderStartsAsACopyOfTheTimeEmbedder()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        var s = model.state_dict();
        foreach (var key in new[] { "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias" })
        {
            TensorAssert.Close(s["t_embedder." + key], s["dt_embedder." + key], 0);
            Assert.NotSame(s["t_embedder." + key], s["dt_embedder." + key]);
        }
    }

    [Fact]
    public void MissingLabelsMeanTheNullLabel()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny);
        NetworkFactory.Randomize(model, 2);
        model.eval();
        var x = randn(3, 3, 8, 8);
        var t = rand(3);
        TensorAssert.Close(model.Forward(x, t, new Conditioning(Labels: full([3], 5L))).Output, model.Forward(x, t, Conditioning.None).Output, 0);
        Assert.True(TensorAssert.Scalar((model.Forward(x, t, Labels).Output - model.Forward(x, t, Conditioning.None).Output).abs().max()) > 1e-4);
    }

    [Fact]
    public void FeaturesAreEveryBlocksTokensInOrder()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { Depth = 3 });
        NetworkFactory.Randomize(model, 3);
        var x = randn(3, 3, 8, 8);
        var t = rand(3);
        Assert.Empty(model.Forward(x, t, Labels).Features);
        model.ReturnFeatures = true;
        model.eval();
        var features = model.Forward(x, t, Labels).Features;
        Assert.Equal(3, features.Count);
        Assert.All(features, f => Assert.Equal(new long[] { 3, 16, 32 }, f.shape));
        Assert.True(TensorAssert.Scalar((features[0] - features[2]).abs().max()) > 1e-4);
    }

    [Fact]
    public void GradientsReachEveryParameterButNotThePositionBuffer()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        NetworkFactory.Randomize(model, 4);
        model.Forward(randn(3, 3, 8, 8), rand(3), Labels with { Dt = rand(3) }).Output.square().sum().backward();
        foreach (var (name, p) in model.named_parameters())
            Assert.True(p.grad is not null && TensorAssert.Scalar(p.grad.abs().sum()) > 0, $"{name} got no gradient");
        var buffer = model.named_buffers().Single(b => b.name == "pos_embed").buffer;
        Assert.False(buffer.requires_grad);
    }

    [Fact]
    public void RunsInFloat64AfterTo()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        model.to(ScalarType.Float64);
        var output = model.Forward(randn(2, 3, 8, 8, ScalarType.Float64), rand(2, ScalarType.Float64), new Conditioning(Dt: rand(2, ScalarType.Float64))).Output;
        Assert.Equal(ScalarType.Float64, output.dtype);
        Assert.Equal(ScalarType.Float64, model.named_buffers().Single(b => b.name == "pos_embed").buffer.dtype);
    }

    [Fact]
    public void MeanFlowLossRunsThroughTheDoubleVjpJvp()
    {
        // A JVP through fused SDPA aborts the process unless flash attention is off; DoubleVjpJvp turns it off.
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true, ClassDropoutProb = 0 }); // MeanFlow drops conditions itself
        NetworkFactory.Randomize(model, 5);
        model.to(ScalarType.Float64);
        var meanFlow = new MeanFlowInterface(model, TimeDist.LogitNormal, new MeanFlowOptions { Seed = 1, DType = ScalarType.Float64, Jvp = JvpStrategy.DoubleVjp });
        var loss = meanFlow.Loss(randn(3, 3, 8, 8, ScalarType.Float64), new Conditioning(Labels: tensor(new long[] { 0, 1, 2 }))).Loss.mean();
        Assert.True(double.IsFinite(TensorAssert.Scalar(loss)));
        loss.backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
    }
}
