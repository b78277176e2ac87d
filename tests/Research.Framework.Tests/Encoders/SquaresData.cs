using Research.Framework.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Encoders;

/// <summary>Tiny labelled images (N, 1, side, side) in [−1, 1]: a bright quarter whose position (0…3) is the label.</summary>
static class SquaresData
{
    public static TensorDataset Create(int count, int side)
    {
        using var scope = NewDisposeScope();
        var images = full(count, 1, side, side, -1f);
        int half = side / 2;
        for (int i = 0; i < count; i++)
        {
            int k = i % 4;
            images[i, 0, (k / 2 * half)..(k / 2 * half + half), (k % 2 * half)..(k % 2 * half + half)] = tensor(1f);
        }
        return new TensorDataset(images, arange(count, ScalarType.Int64) % 4, 4);
    }
}
