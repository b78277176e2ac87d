using Research.Framework.Evaluation;
using Research.Framework.Evaluation.Inception;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

/// <summary>The FID Inception with generated (random) weights: the real pytorch-fid file cannot be downloaded here.</summary>
public class FidInceptionTests
{
    /// <summary>pytorch-fid's names: stem, block, branch and BatchNorm buffers present; no fc or AuxLogits; 21.8 M parameters.</summary>
    [Fact]
    public void StateDictNamesMatchPytorchFid()
    {
        using var network = new FidInceptionV3();
        var names = network.state_dict().Keys.ToHashSet();
        foreach (var name in new[] { "Conv2d_1a_3x3.conv.weight", "Conv2d_1a_3x3.bn.running_var", "Mixed_5b.branch5x5_2.conv.weight",
                     "Mixed_6e.branch7x7dbl_5.bn.bias", "Mixed_7a.branch7x7x3_4.conv.weight", "Mixed_7c.branch3x3dbl_3b.bn.weight", "Mixed_7c.branch_pool.conv.weight" })
            Assert.Contains(name, names);
        Assert.DoesNotContain(names, n => n.StartsWith("fc.", StringComparison.Ordinal) || n.StartsWith("AuxLogits", StringComparison.Ordinal));
        Assert.Equal(Shape(192, 1280, 1, 1), network.state_dict()["Mixed_7b.branch_pool.conv.weight"].shape);
        long parameters = network.parameters().Sum(p => p.numel());
        Assert.Equal(21_785_568, parameters); // torchvision inception_v3 without AuxLogits (23,834,568) minus fc (2,049,000)
    }

    /// <summary>
    /// A (2, 1, 32, 32) batch (grey, small: resized to 299 and repeated to 3 channels) gives (2, 2048) finite
    /// features; TorchSharp-format and PyTorch-format (PyBridge) round trips reproduce them exactly and give the
    /// file's SHA-256 as the weights hash.
    /// </summary>
    [Fact]
    public void ForwardShapeAndWeightRoundTrips()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1, CPU);
        var images = rand([2, 1, 32, 32], generator: generator) * 2 - 1;
        using var original = FidInceptionExtractor.FromNetwork(new FidInceptionV3());
        var features = original.Features(images);
        Assert.Equal(new long[] { 2, 2048 }, features.shape);
        Assert.True(features.isfinite().all().item<bool>());

        string folder = Path.Combine(Path.GetTempPath(), $"inception-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            original.SaveTorchSharp(Path.Combine(folder, "w.dat"));
            original.SavePyTorch(Path.Combine(folder, "w.pth"));
            using var torchSharp = FidInceptionExtractor.LoadTorchSharp(Path.Combine(folder, "w.dat"));
            using var pyTorch = FidInceptionExtractor.LoadPyTorch(Path.Combine(folder, "w.pth"));
            TensorAssert.Close(features, torchSharp.Features(images), 0);
            TensorAssert.Close(features, pyTorch.Features(images), 0);
            Assert.Equal(original.WeightsHash, torchSharp.WeightsHash);
            Assert.NotEqual(torchSharp.WeightsHash, pyTorch.WeightsHash);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    private static long[] Shape(params long[] s) => s;
}
