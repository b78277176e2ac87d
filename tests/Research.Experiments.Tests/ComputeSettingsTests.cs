using System.Text.Json;
using Xunit;
using static TorchSharp.torch;

namespace Research.Experiments.Tests;

/// <summary>libtorch's thread count is one per process: these tests run alone, after the parallel ones, so no other run sets it meanwhile.</summary>
[CollectionDefinition(nameof(LibtorchThreadsCollection), DisableParallelization = true)]
public sealed class LibtorchThreadsCollection;

[Collection(nameof(LibtorchThreadsCollection))]
public sealed class ComputeSettingsTests : IDisposable
{
    readonly string runs = Directory.CreateTempSubdirectory("runs-").FullName;

    public void Dispose() => Directory.Delete(runs, recursive: true);

    static readonly string[] Tiny = ["--Steps", "2", "--LogEvery", "1", "--SampleCount", "16", "--Network.Hidden", "8", "--Network.Depth", "1", "--Sampler.Steps", "2"];

    JsonElement Compute() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(Path.Combine(runs, "sit-checkerboard")).Single(), "config.json")))
        .RootElement.GetProperty("compute");

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void ThreadsReachLibtorchAndConfigJson(int threads)
    {
        set_num_threads(threads == 1 ? 2 : 1);   // something else, so the run must change it
        var (code, output, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", runs, "--Threads", $"{threads}", .. Tiny]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(threads, get_num_threads());
        Assert.Equal($"{threads}", Compute().GetProperty("threads").GetString());
    }

    [Fact]
    public void WithoutThreadsARunTakesTheCoresOfItsProcessAndRecordsThem()
    {
        set_num_threads(Environment.ProcessorCount + 1);
        var (code, output, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", runs, .. Tiny]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(Framework.Compute.IntraOpThreads.Default, get_num_threads());
        Assert.Equal($"{Framework.Compute.IntraOpThreads.Default}", Compute().GetProperty("threads").GetString());
        Assert.Equal("cpu", Compute().GetProperty("device").GetString());
        Assert.Equal("Float32", Compute().GetProperty("dtype").GetString());
    }

    [Theory]
    [InlineData("--Threads", "0", "Threads must be ≥ 1")]
    [InlineData("--Threads", "-1", "Threads must be ≥ 1")]
    [InlineData("--Threads", "abc", "--Threads: 'abc' is not a valid Int32")]
    [InlineData("--Device", "cuda", "-p:TorchBackend=cuda")]
    [InlineData("--Device", "cuda:1", "-p:TorchBackend=cuda")]
    [InlineData("--Device", "tpu", "cpu, cuda, cuda:N or auto")]
    [InlineData("--MicroBatch", "5", "MicroBatch 5 must be ≥ 1 and divide BatchSize 256")]
    [InlineData("--Interface.DType", "BFloat16", "Keep Interface.DType Float32 and use --Precision bf16")]
    [InlineData("--Interface.DType", "Float16", "float32 master weights, AdamW state and EMA")]
    [InlineData("--Precision", "fp16", "Use bf16")]
    [InlineData("--Precision", "half", "Precision must be fp32 or bf16")]
    public void ABadComputeSettingIsExit2BeforeTheRunFolderExists(string key, string value, string message)
    {
        var (code, _, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", runs, key, value, .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(Path.Combine(runs, "sit-checkerboard")), "nothing may be written");
    }

    [Fact]
    public void ABf16RunTrainsTwentyStepsEvaluatesAndRecordsItsPrecision()
    {
        var (code, output, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", runs, "--Precision", "bf16", "--Steps", "20", .. Tiny[2..]]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("bf16", Compute().GetProperty("precision").GetString());
        Assert.Equal("Float32", Compute().GetProperty("dtype").GetString());
        Assert.Matches(@"final/swd = \d", output);   // the final evaluation sampled the bf16 network
    }

    [Fact]
    public void AMicroBatchRunTrainsAndRecordsItsMicroBatch()
    {
        var (code, output, error) = ProgramTests.Run(["run", "sit-checkerboard", "--runs-dir", runs, "--MicroBatch", "64", .. Tiny]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("64", Compute().GetProperty("micro_batch").GetString());
    }
}
