using Research.Framework.Evaluation;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Evaluation;

public class ImageTests
{
    [Fact]
    public void GridPlacesEachImageWithPaddingAndTheReferencePixelMapping()
    {
        using var scope = NewDisposeScope();
        // Three 2×3 grey images with constant values −1, 0 and 0.5 → bytes 0 (clipped from 0.5), 128, 191.
        var images = stack([full(1, 2, 3, -1f), zeros(1, 2, 3), full(1, 2, 3, 0.5f)]);
        using var bitmap = SKBitmap.Decode(ImageGrid.ToPng(images, columns: 2, padding: 1));

        Assert.Equal((1 + 2 * (3 + 1), 1 + 2 * (2 + 1)), (bitmap.Width, bitmap.Height));
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(1, 1));       // image 0, clip(−127.5 + 128) = 0.5 → 0
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(5, 2)); // image 1 (second column)
        Assert.Equal(new SKColor(191, 191, 191), bitmap.GetPixel(3, 5)); // image 2 (second row), 63.75 + 128
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(4, 1));       // padding between columns
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(7, 5));       // the empty fourth cell
    }

    [Fact]
    public void GridKeepsRgbChannelsApart()
    {
        using var scope = NewDisposeScope();
        var image = stack([ones(1, 1, 1), -ones(1, 1, 1), zeros(1, 1, 1)], 1); // (1, 3, 1, 1): R = 1, G = −1, B = 0
        using var bitmap = SKBitmap.Decode(ImageGrid.ToPng(image, columns: 1, padding: 0));
        Assert.Equal(new SKColor(255, 0, 128), bitmap.GetPixel(0, 0));
    }

    [Fact]
    public void ScatterDrawsPointsWhereTheyBelong()
    {
        using var scope = NewDisposeScope();
        var samples = tensor(new[] { 2.0, 2.0 }).reshape(1, 2);
        var reference = tensor(new[] { -2.0, -2.0 }).reshape(1, 2);
        using var bitmap = SKBitmap.Decode(ScatterPlot.ToPng(samples, reference, extent: 4, size: 101));

        var (sc, sr) = ScatterPlot.Pixel(2, 2, 4, 101);
        var (rc, rr) = ScatterPlot.Pixel(-2, -2, 4, 101);
        Assert.Equal((75f, 25f), (sc, sr)); // x = 2 is three quarters across; y = 2 is a quarter down
        Assert.Equal(ScatterPlot.SampleColor, bitmap.GetPixel((int)sc, (int)sr));
        Assert.Equal(ScatterPlot.ReferenceColor, bitmap.GetPixel((int)rc, (int)rr));
        Assert.Equal(SKColors.White, bitmap.GetPixel(50, 50));
    }

    [Fact]
    public void BadShapesAreNamed()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("(N, 1 or 3, H, W)", Assert.Throws<ArgumentException>(() => ImageGrid.ToPng(zeros(2, 2, 4, 4))).Message);
        Assert.Contains("(N, 2)", Assert.Throws<ArgumentException>(() => ScatterPlot.ToPng(zeros(3, 3))).Message);
    }
}
