using Research.Framework.Experiments;
using Xunit;

namespace Research.Framework.Tests.Experiments;

public sealed class RunSeedsTests
{
    /// <summary>The offsets runs have always used (loader +0, reference +1, preview +2, final +3, periodic +6): changing one changes every result.</summary>
    [Theory]
    [InlineData(0L)]
    [InlineData(5L)]
    [InlineData(-3L)]
    public void EachSeedIsTheRunsSeedPlusItsFixedOffset(long seed) =>
        Assert.Equal(new RunSeeds(Loader: seed, Reference: seed + 1, Preview: seed + 2, Final: seed + 3, Periodic: seed + 6), RunSeeds.From(seed));
}
