using Research.Framework.Data.Images;
using Research.Framework.Evaluation;
using Research.Framework.Tests.Data.Images;
using SkiaSharp;
using Xunit;

namespace Research.Framework.Tests.Evaluation;

public class ImageFolderReferenceSourceTests
{
    [Fact]
    public void TheReferenceFollowsTheHoldOutFractionOfTheSameFolder()
    {
        using var folder = TestImages.Folder();
        for (int i = 0; i < 6; i++)
            TestImages.Png(Path.Combine(folder.Path, $"{i}.png"), 4, 4, (x, y) => new SKColor((byte)(40 * i), (byte)(10 * x), (byte)(10 * y)));
        var options = new ImageFolderOptions { Folder = folder.Path, Resolution = 4, Classes = false, CacheFolder = folder.Cache };
        var source = new ImageFolderReferenceSource();

        // round(0.34 · 6) = 2 images held back, round(0.5 · 6) = 3; none with HoldOut 0. A sweep over HoldOut in one
        // process must measure each trial against its own held-back images, not the first trial's.
        using var third = ImageFolder.Load(options with { HoldOut = 0.34 });
        using var half = ImageFolder.Load(options with { HoldOut = 0.5 });
        using var none = ImageFolder.Load(options with { HoldOut = 0 });
        Assert.Equal(2, source.Reference(third, folder.Cache, 0)!.Features!.shape[0]);
        Assert.Equal(3, source.Reference(half, folder.Cache, 0)!.Features!.shape[0]);
        Assert.Null(source.Reference(none, folder.Cache, 0));
    }
}
