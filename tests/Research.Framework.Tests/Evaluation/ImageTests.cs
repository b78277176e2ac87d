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
    public void ScatterWithAxesFramesThePlotAreaAndKeepsPointsWhereTheyBelong()
    {
        using var scope = NewDisposeScope();
        var samples = tensor(new[] { 2.0, 2.0 }).reshape(1, 2);
        using var bitmap = SKBitmap.Decode(ScatterPlot.ToPng(samples, extent: 4, size: 101, axes: true));
        var (left, top, right, bottom) = ScatterPlot.AxesMargins;

        Assert.Equal((left + 101 + right, top + 101 + bottom), (bitmap.Width, bitmap.Height));
        var (column, row) = ScatterPlot.Pixel(2, 2, 4, 101);
        Assert.Equal(ScatterPlot.SampleColor, bitmap.GetPixel(left + (int)column, top + (int)row));   // the plot area is shifted, not rescaled
        Assert.Equal(new SKColor(110, 110, 110), bitmap.GetPixel(left, top + 50));                    // the frame
        var (zero, _) = ScatterPlot.Pixel(0, 0, 4, 101);
        Assert.Equal(new SKColor(232, 232, 232), bitmap.GetPixel(left + (int)zero, top + 10));        // the grid line at x = 0
        bool Inked(int x0, int y0, int x1, int y1) =>
            Enumerable.Range(x0, x1 - x0).Any(x => Enumerable.Range(y0, y1 - y0).Any(y => bitmap.GetPixel(x, y) != SKColors.White));
        Assert.True(Inked(left, top + 101 + 2, left + 101, top + 101 + 18), "no tick labels under the x axis");
        Assert.True(Inked(0, top, left - 2, top + 101), "no tick labels left of the y axis");
    }

    [Fact]
    public void ALabelledGridPutsOneClassPerColumnAndCaptionsEachImage()
    {
        using var scope = NewDisposeScope();
        // Six 2×3 images for labels 0, 1, 2, 0, 1, 2 (balanced, as the sampler draws them): image n has the value n / 10.
        var images = stack(Enumerable.Range(0, 6).Select(n => full(1, 2, 3, n / 10f)).ToArray());
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var bitmap = SKBitmap.Decode(ImageGrid.ToPng(images, labels, ["coat", "bag", "shoe"], classes: 3, scale: 4, padding: 2));

        const int strip = 13, cellWidth = 3 * 4, cellHeight = 2 * 4 + strip;
        Assert.Equal((2 + 3 * (cellWidth + 2), 2 + 2 * (cellHeight + 2)), (bitmap.Width, bitmap.Height));
        for (int n = 0; n < 6; n++)
        {
            int left = 2 + n % 3 * (cellWidth + 2), top = 2 + n / 3 * (cellHeight + 2);
            byte expected = (byte)Math.Clamp(n / 10.0 * 127.5 + 128, 0, 255);
            Assert.Equal(new SKColor(expected, expected, expected), bitmap.GetPixel(left + cellWidth - 1, top + 2 * 4 - 1));   // scaled ×4, class n % 3 in column n % 3
        }
        bool captioned = Enumerable.Range(2, cellWidth).Any(x => Enumerable.Range(2 + 8, strip).Any(y => bitmap.GetPixel(x, y) != SKColors.Black));
        Assert.True(captioned, "the first image has no caption");
        Assert.Throws<ArgumentException>(() => ImageGrid.ToPng(images, tensor(new long[] { 0, 1 }), classes: 3));
    }

    /// <summary>A labelled grid's width is a multiple of the class count near √N: classes stay in their columns, few classes no longer make a strip.</summary>
    [Theory]
    [InlineData(3, 64, 9)]    // the image-folder toy: 9 columns of 8 rows (was 3 columns of 22)
    [InlineData(3, 6, 3)]     // a small grid keeps one column per class
    [InlineData(10, 40, 10)]  // Fashion-MNIST's previews: one column per class, as before
    [InlineData(2, 64, 8)]
    [InlineData(16, 64, 16)]
    [InlineData(0, 5, 5)]     // no classes: up to 8
    public void LabelledGridColumnsAreAMultipleOfTheClassCount(int classes, int count, int columns)
    {
        Assert.Equal(columns, ImageGrid.ClassColumns(classes, count));
        if (classes > 0) Assert.Equal(0, columns % classes);
    }

    [Fact]
    public void BadShapesAreNamed()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("(N, 1 or 3, H, W)", Assert.Throws<ArgumentException>(() => ImageGrid.ToPng(zeros(2, 2, 4, 4))).Message);
        Assert.Contains("(N, 2)", Assert.Throws<ArgumentException>(() => ScatterPlot.ToPng(zeros(3, 3))).Message);
    }
}
