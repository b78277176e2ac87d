using Research.Framework.Commands;
using Xunit;

namespace Research.Framework.Tests.Commands;

public sealed class ArgumentReaderTests
{
    static readonly CommandSyntax Eval = new("eval", "eval RUN-DIR [--samples N] [--seed s]",
        [new("--samples", "N"), new("--seed", "s"), CommandOption.Flag("--quiet")], Positionals: 1, PositionalName: "run folder");

    static readonly CommandSyntax Run = new("", "run NAME [--Key value ...] [--runs-dir DIR]", [new("--runs-dir", "DIR")], Overrides: true);

    [Fact]
    public void ReadsValuesInBothSpellingsFlagsAndPositionals()
    {
        var parsed = ArgumentReader.Read(Eval, ["runs/a", "--samples", "64", "--seed=7", "--quiet"]);
        Assert.Equal(["runs/a"], parsed.Positionals);
        Assert.Equal("64", parsed["--samples"]);
        Assert.Equal("7", parsed["--seed"]);
        Assert.True(parsed.Has("--quiet"));
        Assert.Null(ArgumentReader.Read(Eval, ["runs/a"])["--samples"]);
        Assert.False(ArgumentReader.Read(Eval, ["runs/a"]).Has("--quiet"));
    }

    [Fact]
    public void AnInlineValueKeepsEverythingAfterTheFirstEqualsSign()
    {
        Assert.Equal("a=b", ArgumentReader.Read(Eval, ["--seed=a=b"])["--seed"]);
        Assert.Equal("", ArgumentReader.Read(Eval, ["--seed="])["--seed"]);
    }

    [Fact]
    public void TheLastOfARepeatedOptionWins() =>
        Assert.Equal("2", ArgumentReader.Read(Eval, ["--seed", "1", "--seed", "2"])["--seed"]);

    [Fact]
    public void AValueMayLookLikeAnOption() =>
        Assert.Equal("-1", ArgumentReader.Read(Eval, ["--seed", "-1"])["--seed"]);

    [Fact]
    public void AMissingValueNamesTheOptionAndTheUsage()
    {
        var error = Assert.Throws<UsageException>(() => ArgumentReader.Read(Eval, ["runs/a", "--samples"]));
        Assert.Equal("eval: --samples needs a value. Usage: eval RUN-DIR [--samples N] [--seed s]", error.Message);
        var custom = new CommandSyntax("dashboard", "dashboard [--runs-dir DIR]", [new("--runs-dir", "DIR", Missing: "needs a folder")]);
        Assert.StartsWith("dashboard: --runs-dir needs a folder.", Assert.Throws<UsageException>(() => ArgumentReader.Read(custom, ["--runs-dir"])).Message);
    }

    [Fact]
    public void AnUnknownOptionListsTheValidOnesClosestFirst()
    {
        var error = Assert.Throws<UsageException>(() => ArgumentReader.Read(Eval, ["--sed", "3"]));
        // Edit distances from --sed: --seed 1, --quiet 4, --samples 5.
        Assert.Equal("eval: unknown option '--sed'. Options: --seed s, --quiet, --samples N.", error.Message);
        var inline = Assert.Throws<UsageException>(() => ArgumentReader.Read(Eval, ["--sampels=3"]));
        Assert.StartsWith("eval: unknown option '--sampels'. Options: --samples N,", inline.Message);
    }

    [Fact]
    public void ACommandWithoutOptionsSaysSo()
    {
        var sync = new CommandSyntax("sync", "sync RUN-DIR", [], Positionals: 1, PositionalName: "run folder");
        Assert.Equal("sync: unknown option '--force'; it takes none. Usage: sync RUN-DIR",
            Assert.Throws<UsageException>(() => ArgumentReader.Read(sync, ["runs/a", "--force"])).Message);
    }

    [Fact]
    public void AFlagTakesNoValue() =>
        Assert.Equal("eval: --quiet is a flag and takes no value (got 'yes').", Assert.Throws<UsageException>(() => ArgumentReader.Read(Eval, ["--quiet=yes"])).Message);

    [Fact]
    public void OnePlainArgumentTooManyNamesBoth()
    {
        Assert.Equal("eval: one run folder only; got 'a' and 'b'. Usage: eval RUN-DIR [--samples N] [--seed s]",
            Assert.Throws<UsageException>(() => ArgumentReader.Read(Eval, ["a", "b"])).Message);
        var none = new CommandSyntax("dashboard", "dashboard [--port N]", [new("--port", "N")]);
        Assert.Equal("dashboard: unexpected argument 'x'. Usage: dashboard [--port N]", Assert.Throws<UsageException>(() => ArgumentReader.Read(none, ["x"])).Message);
    }

    [Fact]
    public void UnknownPairsAreOverridesInTheirOrderAroundTheKnownOptions()
    {
        var parsed = ArgumentReader.Read(Run, ["--Steps", "10", "--runs-dir", "out", "--LearningRate=3e-4", "--Sampler.Steps", "64"]);
        Assert.Equal("out", parsed["--runs-dir"]);
        Assert.Equal(["--Steps", "10", "--LearningRate=3e-4", "--Sampler.Steps", "64"], parsed.Overrides);
        Assert.Empty(parsed.Positionals);
    }

    [Fact]
    public void WithItsPlainArgumentsGivenASecondFolderIsAMistakeEvenWhereOverridesAreTaken()
    {
        var resume = new CommandSyntax("resume", "resume RUN-DIR [--Key value ...]", [], Positionals: 1, PositionalName: "run folder", Overrides: true);
        var parsed = ArgumentReader.Read(resume, ["--Steps", "20", "runs/a"]);
        Assert.Equal(["runs/a"], parsed.Positionals);
        Assert.Equal(["--Steps", "20"], parsed.Overrides);
        Assert.StartsWith("resume: one run folder only; got 'runs/a' and 'runs/b'.", Assert.Throws<UsageException>(() => ArgumentReader.Read(resume, ["runs/a", "runs/b"])).Message);
    }

    [Fact]
    public void AStrayWordIsHandedToTheOverridesWhichNameIt() =>
        Assert.Equal(["oops", "--Steps", "3"], ArgumentReader.Read(Run, ["oops", "--Steps", "3"]).Overrides);

    [Fact]
    public void AnOverrideAtTheEndWithoutValueIsHandedOnForTheOverridesToReport() =>
        Assert.Equal(["--Steps"], ArgumentReader.Read(Run, ["--Steps"]).Overrides);
}
