using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class DiTStateDictTests
{
    [Fact]
    public void NamesAreStableAndFollowPyTorchDiT()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { TakeDt = true });
        var shapes = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = new Dictionary<string, long[]>
        {
            ["x_embedder.weight"] = [32, 3, 2, 2],
            ["x_embedder.bias"] = [32],
            ["pos_embed"] = [1, 16, 32],
            ["t_embedder.mlp.0.weight"] = [32, 16],
            ["t_embedder.mlp.2.weight"] = [32, 32],
            ["dt_embedder.mlp.0.weight"] = [32, 16],
            ["y_embedder.embedding_table.weight"] = [6, 32],
            ["blocks.1.attn.qkv.weight"] = [96, 32],
            ["blocks.1.attn.proj.bias"] = [32],
            ["blocks.1.mlp.fc1.weight"] = [128, 32],
            ["blocks.1.mlp.fc2.weight"] = [32, 128],
            ["blocks.1.adaLN_modulation.1.weight"] = [192, 32],
            ["final_layer.adaLN_modulation.1.weight"] = [64, 32],
            ["final_layer.linear.weight"] = [12, 32],
        };
        foreach (var (name, shape) in expected)
        {
            Assert.True(shapes.ContainsKey(name), $"missing {name}; have {string.Join(", ", shapes.Keys)}");
            Assert.Equal(shape, shapes[name]);
        }
        Assert.DoesNotContain(shapes.Keys, k => k.StartsWith("blocks.2.", StringComparison.Ordinal));
    }

    [Fact]
    public void PositionTableIsABufferNotAParameter()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny);
        Assert.DoesNotContain(model.named_parameters(), p => p.name.Contains("pos_embed", StringComparison.Ordinal));
        Assert.Equal(["pos_embed"], model.named_buffers().Select(b => b.name).ToArray());
        Assert.Equal(NetworkFactory.Tiny.ParameterCount(), model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void UnconditionalModelHasNoLabelTable()
    {
        using var scope = NewDisposeScope();
        using var model = new DiT(NetworkFactory.Tiny with { NumClasses = null });
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("y_embedder", StringComparison.Ordinal));
        Assert.Null(model.NumClasses);
        Assert.Null(model.LabelDropout);
    }
}
