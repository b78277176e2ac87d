using Research.Framework.Networks;
using Research.Framework.Tests.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Networks;

public class PatchesTests
{
    [Theory]
    [InlineData(2, 3, 8)]
    [InlineData(4, 4, 32)]
    public void UnpatchifyInvertsPatchifyBothWays(int p, int c, int side)
    {
        using var scope = NewDisposeScope();
        var images = randn(2, c, side, side);
        var tokens = Patches.Patchify(images, p);
        Assert.Equal(new long[] { 2, side / p * (side / p), p * p * c }, tokens.shape);
        TensorAssert.Close(images, Patches.Unpatchify(tokens, p, c), 0);
        var other = randn(2, side / p * (side / p), p * p * c);
        TensorAssert.Close(other, Patches.Patchify(Patches.Unpatchify(other, p, c), p), 0);
    }

    [Fact]
    public void TokensAreRowMajorAndPatchVectorsArePRowPColC()
    {
        using var scope = NewDisposeScope();
        const int p = 2, c = 3, side = 6, s = side / p;
        var images = arange(2 * c * side * side, ScalarType.Float64).reshape(2, c, side, side);
        var tokens = TensorAssert.Values(Patches.Patchify(images, p));
        var pixels = TensorAssert.Values(images);
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < s; i++)
                for (int j = 0; j < s; j++)
                    for (int pr = 0; pr < p; pr++)
                        for (int pc = 0; pc < p; pc++)
                            for (int ch = 0; ch < c; ch++)
                            {
                                double expected = pixels[((b * c + ch) * side + i * p + pr) * side + j * p + pc];
                                double actual = tokens[((b * s * s) + i * s + j) * p * p * c + (pr * p + pc) * c + ch];
                                Assert.Equal(expected, actual);
                            }
    }

    [Fact]
    public void PatchEmbeddingConvUsesTheSameTokenOrder()
    {
        // The conv is a Linear on patchified pixels with the kernel laid out (p_row, p_col, c).
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(3, 5, 2, stride: 2);
        var x = randn(2, 3, 8, 8);
        var viaConv = conv.forward(x).flatten(2).transpose(1, 2);
        var kernel = conv.weight!.permute(0, 2, 3, 1).reshape(5, 12);
        var viaTokens = Patches.Patchify(x, 2).matmul(kernel.t()) + conv.bias!;
        TensorAssert.Close(viaConv, viaTokens, 1e-5);
    }
}
