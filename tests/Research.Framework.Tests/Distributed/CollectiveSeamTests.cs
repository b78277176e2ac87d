using Research.Framework.Distributed;
using Research.Framework.Interfaces;
using Research.Framework.Sweeps.Launchers;
using Research.Framework.Tests.TestSupport;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Research.Framework.Tests.Distributed;

/// <summary>The launch environment, the flat buckets, the slice-of-global draws and the Slurm run script.</summary>
public sealed class CollectiveSeamTests
{
    static Func<string, string?> Environment(params (string Key, string Value)[] variables) =>
        key => variables.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void TheLaunchersVariablesGiveRankAndWorldSize()
    {
        Assert.Equal(new LaunchEnvironment(0, 1, "none"), LaunchEnvironment.Read(Environment()));
        Assert.Equal((1, 2), Pair(LaunchEnvironment.Read(Environment(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "2")))));
        Assert.Equal((3, 8), Pair(LaunchEnvironment.Read(Environment(("SLURM_PROCID", "3"), ("SLURM_NTASKS", "8"), ("SLURM_STEP_ID", "0")))));
        // An sbatch script's own shell has SLURM_NTASKS but no step: it is not a rank.
        Assert.Equal((0, 1), Pair(LaunchEnvironment.Read(Environment(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "8")))));
        Assert.Equal((2, 4), Pair(LaunchEnvironment.Read(Environment(("PMI_RANK", "2"), ("PMI_SIZE", "4")))));
        var error = Assert.Throws<DistributedLaunchException>(() => LaunchEnvironment.Read(Environment(("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "2"))));
        Assert.Contains("OMPI_COMM_WORLD_RANK=2 and OMPI_COMM_WORLD_SIZE=2", error.Message);
        Assert.Throws<DistributedLaunchException>(() => LaunchEnvironment.Read(Environment(("PMI_RANK", "0"))));

        static (int, int) Pair(LaunchEnvironment launch) => (launch.Rank, launch.WorldSize);
    }

    /// <summary>Buckets of at most 64 bytes: tensors packed in order, one collective per bucket, a null tensor as zeros and left null.</summary>
    [Fact]
    public void FlatBucketsPackEveryTensorOnceAndWriteTheResultBack()
    {
        using var scope = NewDisposeScope();
        Tensor[] tensors = [arange(6, dtype: ScalarType.Float32).reshape(2, 3), arange(10, dtype: ScalarType.Float32) + 100, ones(4, dtype: ScalarType.Float64), full(3, 7f)];
        using var buckets = new FlatBuckets(tensors, bucketBytes: 64);
        // float32: 24 + 40 bytes fill one bucket, the 12 bytes of the last another; float64 a third.
        Assert.Equal(3, buckets.Count);
        Assert.Equal(24 + 40 + 12 + 32, buckets.Bytes);
        var expected = tensors.Select(t => t.clone() * 2 + 1).ToArray();
        int calls = 0;
        buckets.Apply([tensors[0], tensors[1], tensors[2], null], buffer => { calls++; buffer.mul_(2).add_(1); });
        Assert.Equal(3, calls);
        for (int i = 0; i < 3; i++) TensorAssert.Close(expected[i], tensors[i], 0);
        TensorAssert.Close(full(3, 7f), tensors[3], 0);   // null: not written
    }

    /// <summary>Inside a slice's scope a draw is the slice of the global batch's draw; outside it the draw is unchanged.</summary>
    [Fact]
    public void DrawsOfASliceAreTheSliceOfTheGlobalBatchsDraws()
    {
        using var scope = NewDisposeScope();
        Tensor Noise(Generator generator, long[] shape) => randn(shape, ScalarType.Float64, generator: generator);
        using var whole = new Generator(9);
        var global = Noise(whole, [8, 3]);
        using var sliced = new Generator(9);
        Tensor part;
        using (DrawShard.Enter(new DrawShard.Slice(4, 2, 8)))
            part = DrawShard.Draw([2, 3], s => Noise(sliced, s));
        TensorAssert.Close(global.narrow(0, 4, 2), part, 0);
        using (var plain = new Generator(9))   // outside a scope: the draw as asked, [2, 3] from the generator
        using (var reference = new Generator(9))
            TensorAssert.Close(Noise(reference, [2, 3]), DrawShard.Draw([2, 3], s => Noise(plain, s)), 0);
        Assert.Null(DrawShard.Current);
    }

    [Fact]
    public void TheSlurmRunScriptStartsOneRankPerGpuWithSrun()
    {
        var script = SlurmRunScript.Emit("dit-fashion-mnist", 2, 4, new ProgramCommand("/opt/research", []), ["run", "dit-fashion-mnist", "--Device", "cuda", "--runs-dir", "/shared/runs"]);
        Assert.Contains("#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-node=4\n#SBATCH --gpus-per-task=1\n", script);
        Assert.EndsWith("exec srun --mpi=pmix /opt/research run dit-fashion-mnist --Device cuda --runs-dir /shared/runs\n", script);
        Assert.Contains("#SBATCH --job-name=run-dit-fashion-mnist", script);
        var cpu = SlurmRunScript.Emit("sit-checkerboard", 3, 0, new ProgramCommand("/opt/research", []), ["run", "sit-checkerboard"]);
        Assert.Contains("#SBATCH --ntasks-per-node=1\n", cpu);
        Assert.DoesNotContain("gpus", cpu);
    }

    [Fact]
    public void OneProcessIsAWorldOfOneWhoseCollectivesChangeNothing()
    {
        using var scope = NewDisposeScope();
        var world = SingleProcess.Instance;
        var buffer = arange(4, dtype: ScalarType.Float32);
        world.AllReduce(buffer);
        world.Broadcast(buffer);
        world.Barrier();
        TensorAssert.Close(arange(4, dtype: ScalarType.Float32), buffer, 0);
        Assert.Equal((0, 1), (world.Rank, world.WorldSize));
    }
}
