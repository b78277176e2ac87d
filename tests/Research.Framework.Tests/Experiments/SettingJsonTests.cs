using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Experiments;
using Xunit;

namespace Research.Framework.Tests.Experiments;

public sealed class SettingJsonTests
{
    [Theory]
    [InlineData("20", "Int64", "20")]
    [InlineData("-3", "Int32", "-3")]
    [InlineData("1E-08", "Double", "1E-08")]
    [InlineData("0.001", "Double", "0.001")]
    [InlineData("2", "Double", "2")]
    [InlineData("False", "Boolean", "false")]
    [InlineData("True", "Boolean", "true")]
    [InlineData("null", "Double?", "null")]
    [InlineData("0.5", "Double?", "0.5")]
    [InlineData("LogitNormal", "TimeDist", "\"LogitNormal\"")]
    [InlineData("1,2", "String", "\"1,2\"")]
    [InlineData("123", "String", "\"123\"")]            // a text setting that looks like a number stays text
    [InlineData("null", "String", "\"null\"")]          // only nullables have a JSON null
    [InlineData("abc", "Int32", "\"abc\"")]             // a value that does not parse as its type is kept, as text
    [InlineData("NaN", "Double", "\"NaN\"")]            // JSON has no NaN
    [InlineData("7", null, "\"7\"")]                    // no type known: text, as before
    public void ValuesAreTypedJsonAndReadBackAsTheSameSettingText(string text, string? type, string json)
    {
        var node = SettingJson.Value(text, type);
        Assert.Equal(json, node?.ToJsonString() ?? "null");
        Assert.Equal(text, SettingJson.Text(JsonNode.Parse(json)));   // as written to and read from config.json
    }

    [Fact]
    public void TheStringsOfEarlierRecordsReadBackUnchanged()
    {
        var config = JsonNode.Parse("""{"Steps": "20", "Optimizer.Eps": "1E-08", "Network.TimeScale": "null", "Network.TakeDt": "False"}""")!.AsObject();
        Assert.Equal(["20", "1E-08", "null", "False"], config.Select(kv => SettingJson.Text(kv.Value)));
    }

    [Fact]
    public void AnObjectOrArrayIsNotASettingValue()
    {
        Assert.Throws<FormatException>(() => SettingJson.Text(JsonNode.Parse("[1]")));
        Assert.Throws<FormatException>(() => SettingJson.Text(JsonNode.Parse("{}")));
    }
}
