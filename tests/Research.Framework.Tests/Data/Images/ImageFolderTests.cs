using Research.Framework.Data;
using Research.Framework.Data.Images;
using Research.Framework.Experiments;
using SkiaSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Data.Images;

public class ImageFolderTests
{
    /// <summary>Image i of a class: 4×4, left half the colour (i, class·100, 50), right half black, so a flip shows.</summary>
    static void Write(string folder, string name, int i, int label) =>
        TestImages.Png(Path.Combine(folder, name), 4, 4, (x, _) => x < 2 ? new SKColor((byte)i, (byte)(label * 100), 50) : SKColors.Black);

    static ImageFolderOptions Options(TestImages.TempFolder folder) =>
        new() { Folder = folder.Path, Resolution = 4, HoldOut = 0, CacheFolder = folder.Cache };

    /// <summary>Two classes of 6 images each (named so that the classes sort "a_dogs" before "b_cats").</summary>
    static TestImages.TempFolder TwoClasses()
    {
        var folder = TestImages.Folder();
        for (int i = 0; i < 6; i++)
        {
            Write(folder.Path, $"b_cats/{i}.png", i, 1);
            Write(folder.Path, $"a_dogs/sub/{i}.png", i, 0);
        }
        return folder;
    }

    [Fact]
    public void LabelsAreTheSubFoldersInNameOrderAndFilesAtTheTopAreOneUnlabelledSet()
    {
        using var folder = TwoClasses();
        using var data = ImageFolder.Load(Options(folder));
        Assert.Equal(["a_dogs", "b_cats"], data.ClassNames);
        Assert.Equal((2, 12L), (data.NumClasses, data.Count));
        using var scope = NewDisposeScope();
        var batch = data.Gather(arange(12, ScalarType.Int64));
        var labels = batch.Labels!.data<long>().ToArray();
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(data.Images[i].Path.StartsWith("b_cats/") ? 1 : 0, labels[i]);
            // the green channel carries the class the file was written for: 0 or 100
            Assert.Equal(labels[i] * 100 / 127.5 - 1, batch.X[i, 1, 0, 0].item<float>(), 5);
        }

        using var flat = TestImages.Folder();
        for (int i = 0; i < 3; i++) Write(flat.Path, $"{i}.png", i, 0);
        using var unlabelled = ImageFolder.Load(Options(flat));
        Assert.Null(unlabelled.NumClasses);
        Assert.Empty(unlabelled.ClassNames);
        Assert.Null(unlabelled.Gather(arange(3, ScalarType.Int64)).Labels);
        // Classes false: the class folders' images are one unlabelled set.
        using var pooled = ImageFolder.Load(Options(folder) with { Classes = false });
        Assert.Equal((null, 12L), (pooled.NumClasses, pooled.Count));
    }

    /// <summary>Whether each sample of the batch is mirrored (its colour on the right), read from the pixels.</summary>
    static bool[] Flipped(Batch batch) =>
        [.. Enumerable.Range(0, (int)batch.X.shape[0]).Select(i => batch.X[i, 2, 0, 3].item<float>() > -0.9f)];

    static List<bool[]> Flips(ImageFolder data, long seed, int batches)
    {
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 5, Seed = seed });
        return [.. Enumerable.Range(0, batches).Select(_ => Flipped(loader.Next()))];
    }

    [Fact]
    public void FlipsAreAFunctionOfTheLoaderSeedAndPosition()
    {
        using var folder = TwoClasses();
        using var data = ImageFolder.Load(Options(folder));
        using var scope = NewDisposeScope();
        var first = Flips(data, seed: 3, batches: 20);
        var again = Flips(data, seed: 3, batches: 20);
        var other = Flips(data, seed: 4, batches: 20);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // 100 fair coins: the share of flips lies in 0.5 ± 0.15 (beyond 3 standard deviations, 0.05, otherwise).
        double share = first.SelectMany(b => b).Count(f => f) / 100.0;
        Assert.InRange(share, 0.35, 0.65);
        // A flipped sample is the mirror image: the left half black, the right half the colour.
        using var loader = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 12, Seed = 3 });
        var batch = loader.Next();
        var flips = Flipped(batch);
        for (int i = 0; i < 12; i++)
            Assert.Equal(flips[i], batch.X[i, 2, 1, 0].item<float>() < -0.9f);
        using var unflipped = ImageFolder.Load(Options(folder) with { RandomFlip = false });
        Assert.Equal(new[] { false }, Flips(unflipped, 3, 20).SelectMany(b => b).Distinct());
    }

    [Fact]
    public void RestoringTheLoaderContinuesWithTheSameSamplesAndFlips()
    {
        using var folder = TwoClasses();
        using var scope = NewDisposeScope();
        using var data = ImageFolder.Load(Options(folder));
        using var original = new BatchLoader(data, new BatchLoaderOptions { BatchSize = 5, Seed = 11 });
        for (int i = 0; i < 3; i++) original.Next();   // 15 samples: into the second epoch of 12
        var saved = original.SaveState();
        var expected = Enumerable.Range(0, 4).Select(_ => original.Next()).ToList();

        Assert.Equal(6, data.ReadAheadsUsed);   // every batch after the first was decoded ahead, while its predecessor was in use

        using var reopened = ImageFolder.Load(Options(folder));
        using var resumed = new BatchLoader(reopened, new BatchLoaderOptions { BatchSize = 5, Seed = 0 });
        resumed.RestoreState(saved);
        foreach (var batch in expected)
        {
            var next = resumed.Next();
            Assert.True(batch.X.equal(next.X).all().item<bool>());
            Assert.True(batch.Labels!.equal(next.Labels!).all().item<bool>());
        }
    }

    [Fact]
    public void TheIndexIsCachedUntilTheFolderChanges()
    {
        using var folder = TwoClasses();
        using (var first = ImageFolder.Load(Options(folder))) Assert.False(first.Index.FromCache);
        using (var second = ImageFolder.Load(Options(folder))) Assert.True(second.Index.FromCache);

        Write(folder.Path, "b_cats/new.png", 9, 1);   // an added file
        using (var added = ImageFolder.Load(Options(folder)))
        {
            Assert.False(added.Index.FromCache);
            Assert.Equal(13, added.Count);
        }
        using (var cached = ImageFolder.Load(Options(folder))) Assert.True(cached.Index.FromCache);

        File.SetLastWriteTimeUtc(Path.Combine(folder.Path, "b_cats/new.png"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));   // a touched file
        using (var touched = ImageFolder.Load(Options(folder))) Assert.False(touched.Index.FromCache);
        File.Delete(Path.Combine(folder.Path, "b_cats/new.png"));   // a removed file
        using (var removed = ImageFolder.Load(Options(folder)))
        {
            Assert.False(removed.Index.FromCache);
            Assert.Equal(12, removed.Count);
        }
    }

    [Fact]
    public void ACorruptFileIsNamedAndSkippedOrRefused()
    {
        using var folder = TwoClasses();
        File.WriteAllText(Path.Combine(folder.Path, "b_cats", "broken.png"), "not a png");
        using var data = ImageFolder.Load(Options(folder));
        Assert.Equal(12, data.Count);
        Assert.Equal("b_cats/broken.png", Assert.Single(data.Index.Bad).Path);
        Assert.DoesNotContain(data.Images, i => i.Path.Contains("broken"));
        var refused = Assert.Throws<ArgumentException>(() => ImageFolder.Load(Options(folder) with { SkipBadFiles = false }));
        Assert.Contains("b_cats/broken.png", refused.Message);
        Assert.Contains("Dataset.SkipBadFiles", refused.Message);
    }

    [Fact]
    public void AFileThatBreaksMidRunIsReplacedByTheNextReadableSample()
    {
        using var folder = TwoClasses();
        using var scope = NewDisposeScope();
        using var data = ImageFolder.Load(Options(folder));
        using var strict = ImageFolder.Load(Options(folder) with { SkipBadFiles = false });
        var victim = data.Images[4].Path;
        File.WriteAllText(Path.Combine(folder.Path, victim), "truncated");
        var batch = data.Gather(tensor(new long[] { 4, 5 }));
        Assert.True(batch.X[0].equal(batch.X[1]).all().item<bool>());   // sample 5 stands in for the broken sample 4

        var refused = Assert.Throws<InvalidDataException>(() => strict.Gather(tensor(new long[] { 4 })));
        Assert.Contains(victim, refused.Message);
    }

    [Fact]
    public void HeldBackImagesAreAStablePerClassShareOutsideTraining()
    {
        using var folder = TwoClasses();
        using var data = ImageFolder.Load(Options(folder) with { HoldOut = 0.34 });
        using var held = data.HeldOut()!;
        // round(0.34 · 6) = 2 of each class held back, 4 of each train.
        Assert.Equal((8L, 4L), (data.Count, held.Count));
        Assert.Empty(data.Images.Select(i => i.Path).Intersect(held.Images.Select(i => i.Path)));
        Assert.Equal([2, 2], held.Images.GroupBy(i => i.Label).Select(g => g.Count()));
        using var again = ImageFolder.Load(Options(folder) with { HoldOut = 0.34 });
        Assert.Equal(held.Images, again.HeldOut()!.Images);
        using var none = ImageFolder.Load(Options(folder));
        Assert.Null(none.HeldOut());
    }

    [Fact]
    public void ANetworkWhoseClassCountDiffersFromTheFolderIsRefusedNamingTheRightValue()
    {
        using var folder = TwoClasses();
        using var data = ImageFolder.Load(Options(folder));
        Assert.Contains("--Network.NumClasses 2", Assert.Throws<ArgumentException>(() => ClassCountCheck.Check(data, 1000)).Message);
        Assert.Contains("--Network.NumClasses 2", Assert.Throws<ArgumentException>(() => ClassCountCheck.Check(data, null)).Message);
        ClassCountCheck.Check(data, 2);
        using var pooled = ImageFolder.Load(Options(folder) with { Classes = false });
        Assert.Contains("--Network.NumClasses null", Assert.Throws<ArgumentException>(() => ClassCountCheck.Check(pooled, 2)).Message);
        ClassCountCheck.Check(pooled, null);
    }
}
