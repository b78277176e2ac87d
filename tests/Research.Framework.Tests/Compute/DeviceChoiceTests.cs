using Research.Framework.Compute;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Compute;

public class DeviceChoiceTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    [InlineData("auto")]
    public void CpuAndAutoOnACpuBuildAreTheCpu(string text) =>
        Assert.Equal(DeviceType.CPU, DeviceChoice.Resolve(text, cudaBuild: false, gpus: () => throw new InvalidOperationException("a CPU build never asks for GPUs")).type);

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:3")]
    public void ACudaDeviceOfACpuBuildNamesTheBuildSwitch(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve(text, cudaBuild: false, gpus: () => 8));
        Assert.Contains("-p:TorchBackend=cuda", error.Message);
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void ThisBuildIsTheCpuBuildAndRefusesCuda()
    {
        Assert.Equal("cpu", TorchBackend.Name);   // the assembly metadata the csproj writes from $(TorchBackend)
        Assert.Contains(TorchBackend.CudaSwitch, Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve("cuda")).Message);
    }

    [Fact]
    public void OnACudaBuildCudaIndicesAreCheckedAgainstTheMachine()
    {
        var first = DeviceChoice.Resolve("cuda", cudaBuild: true, gpus: () => 2);
        Assert.Equal((DeviceType.CUDA, 0), (first.type, first.index));
        Assert.Equal(1, DeviceChoice.Resolve("cuda:1", cudaBuild: true, gpus: () => 2).index);
        Assert.Equal(DeviceType.CUDA, DeviceChoice.Resolve("auto", cudaBuild: true, gpus: () => 1).type);
        Assert.Equal(DeviceType.CPU, DeviceChoice.Resolve("auto", cudaBuild: true, gpus: () => 0).type);
        Assert.Contains("2 CUDA device(s)", Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve("cuda:2", cudaBuild: true, gpus: () => 2)).Message);
        Assert.Contains("0 CUDA device(s)", Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve("cuda", cudaBuild: true, gpus: () => 0)).Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void AnUnknownSpellingListsTheChoices(string text) =>
        Assert.Contains(DeviceChoice.Choices, Assert.Throws<ArgumentException>(() => DeviceChoice.Resolve(text, cudaBuild: true, gpus: () => 1)).Message);
}
