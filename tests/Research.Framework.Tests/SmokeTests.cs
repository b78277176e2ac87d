using TorchSharp;
using Xunit;
namespace Research.Framework.Tests;
public class SmokeTests
{
    [Fact]
    public void TorchLoads()
    {
        using var t = torch.ones(3);
        Assert.Equal(3.0, t.sum().item<float>());
    }
}
