using Research.Framework.Tracking;
using Xunit;

namespace Research.Framework.Tests.Tracking;

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
}
