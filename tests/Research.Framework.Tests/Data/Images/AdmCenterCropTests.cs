using Research.Framework.Data.Images;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data.Images;

/// <summary>
/// Decoding and ADM's crop (guided-diffusion's center_crop_arr with Pillow's resize) against pixels worked out by hand
/// from Pillow's resampling rules, on PNG files written with SkiaSharp.
/// </summary>
public class AdmCenterCropTests
{
    static byte[,] Crop(string path, int side, int channel = 0, int channels = 3)
    {
        var image = AdmCenterCrop.Apply(ImageDecoder.Decode(path, channels), side);
        var result = new byte[side, side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                result[y, x] = image[y, x, channel];
        return result;
    }

    [Fact]
    public void BoxHalvingAveragesRowsThenColumnsRoundingHalfUpAfterEachPass()
    {
        using var folder = TestImages.Folder();
        // 4×4 → side 2: one halving (4 ≥ 2·2), then the bicubic step is the identity (short side already 2).
        var path = TestImages.Grey(Path.Combine(folder.Path, "a.png"), new byte[,]
        {
            { 0, 1, 100, 100 },
            { 2, 2, 100, 100 },
            { 150, 150, 200, 200 },
            { 150, 150, 200, 202 },
        });
        // Top-left: rows (0+1)/2 = 0.5 → 1 and (2+2)/2 = 2, then (1+2)/2 = 1.5 → 2 (one 2×2 mean, 1.25, would give 1).
        // Bottom-right: rows 200 and 201, then 200.5 → 201.
        Assert.Equal(new byte[,] { { 2, 100 }, { 150, 201 } }, Crop(path, 2));
    }

    [Fact]
    public void HalvesWhileTheShortSideIsAtLeastTwiceTheTarget()
    {
        using var folder = TestImages.Folder();
        // 8×8 in four constant quadrants → side 2: halved twice (8 ≥ 4, then 4 ≥ 4) to exactly the quadrant values. One
        // halving and a bicubic 4 → 2 would blend the quadrants across their borders.
        var path = TestImages.Png(Path.Combine(folder.Path, "q.png"), 8, 8, (x, y) => (x < 4) == (y < 4) ? SKColors.Black : SKColors.White);
        Assert.Equal(new byte[,] { { 0, 255 }, { 255, 0 } }, Crop(path, 2));
    }

    [Fact]
    public void BicubicResizeOfTheShortSideThenTheCentredSquare()
    {
        using var folder = TestImages.Folder();
        // 8×4 ramps → side 8: no halving (4 < 16); bicubic to 16×8 (scale 2); columns 4…11 of the 16 are kept.
        // Output column j samples input position u = j/2 − 1/4 (pixel centres at integers); Keys' cubic (a = −½)
        // reproduces a linear ramp exactly where all four taps lie inside the image (j = 3…11): R = 20 + 20u = 15 + 10j,
        // B = 180 − 20u = 185 − 10j; G stays 7. Rows are constant, so the vertical 4 → 8 changes nothing.
        var path = TestImages.Png(Path.Combine(folder.Path, "ramp.png"), 8, 4, (x, y) => new SKColor((byte)(20 + 20 * x), 7, (byte)(180 - 20 * x)));
        var red = Crop(path, 8, channel: 0);
        var green = Crop(path, 8, channel: 1);
        var blue = Crop(path, 8, channel: 2);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                int j = x + 4;
                Assert.Equal((15 + 10 * j, 7, 185 - 10 * j), (red[y, x], green[y, x], blue[y, x]));
            }
    }

    [Fact]
    public void GreyFilesRepeatToRgbAndColourFilesBecomeLumaInOneChannel()
    {
        using var folder = TestImages.Folder();
        var grey = TestImages.Grey(Path.Combine(folder.Path, "g.png"), new byte[,] { { 9, 9 }, { 9, 9 } });
        var red = TestImages.Png(Path.Combine(folder.Path, "r.png"), 2, 2, (_, _) => new SKColor(255, 0, 0));
        var rgb = ImageDecoder.Decode(grey, 3);
        Assert.Equal((9, 9, 9), (rgb[1, 1, 0], rgb[1, 1, 1], rgb[1, 1, 2]));
        // Pillow's L = (19595·255 + 2¹⁵) >> 16 = 76 for pure red.
        Assert.Equal(76, ImageDecoder.Decode(red, 1)[0, 0, 0]);
    }

    [Fact]
    public void TheFolderServesTheCropInMinusOneToOneChannelsFirst()
    {
        using var folder = TestImages.Folder();
        TestImages.Png(Path.Combine(folder.Path, "ramp.png"), 8, 4, (x, y) => new SKColor((byte)(20 + 20 * x), 7, (byte)(180 - 20 * x)));
        using var data = ImageFolder.Load(new ImageFolderOptions { Folder = folder.Path, Resolution = 8, HoldOut = 0, CacheFolder = folder.Cache });
        using var scope = NewDisposeScope();
        var batch = data.Gather(tensor(new long[] { 0 }));
        Assert.Equal(new long[] { 1, 3, 8, 8 }, batch.X.shape);
        Assert.Null(batch.Labels);
        // x = byte/127.5 − 1: red at (row 2, column 0) is 55, green 7, blue at column 7 is 75.
        Assert.Equal(55 / 127.5 - 1, batch.X[0, 0, 2, 0].item<float>(), 6);
        Assert.Equal(7 / 127.5 - 1, batch.X[0, 1, 5, 3].item<float>(), 6);
        Assert.Equal(75 / 127.5 - 1, batch.X[0, 2, 0, 7].item<float>(), 6);
    }
}
