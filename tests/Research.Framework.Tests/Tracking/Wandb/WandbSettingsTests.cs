using Research.Framework.Tracking;
using Research.Framework.Tracking.Wandb;
using Xunit;

namespace Research.Framework.Tests.Tracking.Wandb;

public sealed class WandbSettingsTests
{
    [Fact]
    public void ReadsEveryVariable()
    {
        var environment = new Dictionary<string, string>
        {
            ["WANDB_API_KEY"] = "secret-key-123", ["WANDB_BASE_URL"] = "http://wandb.local:8080/", ["WANDB_ENTITY"] = "lab",
            ["WANDB_PROJECT"] = "diffusion", ["WANDB_MODE"] = "dryrun", ["WANDB_RUN_ID"] = "abc12345", ["WANDB_NAME"] = "sit small",
            ["WANDB_RUN_GROUP"] = "sweep-7", ["WANDB_TAGS"] = "toy, cpu,,sit", ["WANDB_JOB_TYPE"] = "train", ["WANDB_NOTES"] = "first try",
        };
        var settings = WandbSettings.FromEnvironment(name => environment.GetValueOrDefault(name));

        Assert.Equal(("secret-key-123", "http://wandb.local:8080", "lab", "diffusion", WandbMode.Offline, "abc12345"),
            (settings.ApiKey, settings.BaseUrl, settings.Entity, settings.Project, settings.Mode, settings.RunId));
        Assert.Equal(("sit small", "sweep-7", "train", "first try"), (settings.DisplayName, settings.Group, settings.JobType, settings.Notes));
        Assert.Equal(["toy", "cpu", "sit"], settings.Tags);
        Assert.DoesNotContain("secret-key-123", settings.ToString());
        Assert.Contains("api key set", settings.ToString());
    }

    [Fact]
    public void TheFinishTimeoutIsReadInSecondsAndAnUnusableOneIsAnError()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), WandbSettings.FromEnvironment(name => name == "WANDB_FINISH_TIMEOUT" ? "45" : null).FinishTimeout);
        Assert.Null(WandbSettings.FromEnvironment(_ => null).FinishTimeout);
        foreach (var bad in new[] { "abc", "0", "-3", "NaN" })
            Assert.Contains("WANDB_FINISH_TIMEOUT must be a number of seconds > 0", Assert.Throws<ArgumentException>(() => WandbSettings.ParseFinishTimeout(bad)).Message);
    }

    [Fact]
    public void DefaultsMatchTheOfficialClient()
    {
        var settings = WandbSettings.FromEnvironment(_ => null);
        Assert.Equal((null, "https://api.wandb.ai", null, "uncategorized", WandbMode.Online), (settings.ApiKey, settings.BaseUrl, settings.Entity, settings.Project, settings.Mode));
        Assert.Matches("^[a-z0-9]{8}$", settings.RunId);
        Assert.Empty(settings.Tags);
    }

    [Theory]
    [InlineData("online", WandbMode.Online)]
    [InlineData("run", WandbMode.Online)]
    [InlineData("OFFLINE", WandbMode.Offline)]
    [InlineData("dryrun", WandbMode.Offline)]
    [InlineData("disabled", WandbMode.Disabled)]
    public void ParsesModesAndTheirLegacyAliases(string text, WandbMode mode) => Assert.Equal(mode, WandbSettings.ParseMode(text));

    [Fact]
    public void AnUnknownModeIsAnError() => Assert.Contains("online, offline or disabled", Assert.Throws<ArgumentException>(() => WandbSettings.ParseMode("shared")).Message);

    [Fact]
    public void AnExperimentsTrackerSettingsWinOverTheVariablesAndItsNameIsTheLastResortProject()
    {
        var environment = new Dictionary<string, string> { ["WANDB_PROJECT"] = "env-project", ["WANDB_TAGS"] = "a,b", ["WANDB_RUN_GROUP"] = "env-group" };
        var filing = new TrackingSettings { Project = "class-project", Tags = " x , y ", JobType = "train" };
        var filed = WandbSettings.FromEnvironment(name => environment.GetValueOrDefault(name), filing, "sit-checkerboard");
        Assert.Equal(("class-project", "env-group", "train"), (filed.Project, filed.Group, filed.JobType));
        Assert.Equal(["x", "y"], filed.Tags);

        var fromEnvironment = WandbSettings.FromEnvironment(name => environment.GetValueOrDefault(name), new TrackingSettings(), "sit-checkerboard");
        Assert.Equal("env-project", fromEnvironment.Project);
        Assert.Equal(["a", "b"], fromEnvironment.Tags);
        Assert.Equal("sit-checkerboard", WandbSettings.FromEnvironment(_ => null, new TrackingSettings(), "sit-checkerboard").Project);
    }
}
