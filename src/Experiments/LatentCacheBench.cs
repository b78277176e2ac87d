using System.Diagnostics;
using Research.Framework.Compute;
using Research.Framework.Latents;
using static TorchSharp.torch;

namespace Research.Experiments;

/// <summary>
/// `bench-latent-cache [--samples N] [--batch B] [--batches K] [--threads N]`: how fast the latent cache serves
/// training batches. Writes a cache of N synthetic SD-VAE-shaped records (latents 4×32×32, both orientations, mean and
/// std: 64 KiB per image) in shards of 1,024 to a temporary folder, then reads K batches of B random indices with random
/// flips through the memory-mapped path the training loader uses (<see cref="LatentCache.ReadLatents"/>), with and
/// without the posterior draw, beside an index_select from the same latents held in memory. Prints latents/s for each.
/// The files are in the page cache after writing, so this is the warm-cache rate; a cold read is bound by the disk.
/// </summary>
public static class LatentCacheBench
{
    const string Usage = "bench-latent-cache [--samples N] [--batch B] [--batches K] [--threads N]";
    static readonly long[] Shape = [4, 32, 32];

    /// <summary>Runs the bench; returns the process exit code.</summary>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var values = BenchArguments.Read(Usage, args, new("samples", 4096, 1), new("batch", 256, 1), new("batches", 50, 1), new("threads", 1, 1));
        int samples = (int)values["samples"], batch = (int)values["batch"], batches = (int)values["batches"];
        IntraOpThreads.Apply((int)values["threads"]);
        var folder = Directory.CreateTempSubdirectory("bench-latent-cache-").FullName;
        try
        {
            var header = new LatentCacheHeader("bench", "bench", "bench", Shape, samples, 0, samples);
            var clock = Stopwatch.StartNew();
            using var cache = LatentCacheWriter.Build(folder, header, shardSize: 1024, batch: 256, (first, count) =>
            {
                using var generator = new Generator((ulong)first + 1, CPU);
                var records = randn([count, 2, 2, .. Shape], generator: generator);
                records.select(2, 1).abs_();   // std ≥ 0
                return records;
            });
            double written = clock.Elapsed.TotalSeconds;
            long bytes = samples * header.RecordBytes;
            output.WriteLine($"bench-latent-cache: {samples:N0} records of [2 orientations, mean+std, {string.Join('×', Shape)}] float32 ({bytes / (1 << 20):N0} MiB) written in {written:F2} s; " +
                $"{batches} batches of {batch} random samples, {get_num_threads()} thread(s); load average {BenchStatistics.LoadAverage()}");

            var random = new Random(1);
            var draws = Enumerable.Range(0, batches).Select(_ => (Indices: Enumerable.Range(0, batch).Select(_ => (long)random.Next(samples)).ToArray(), Flips: Enumerable.Range(0, batch).Select(_ => random.Next(2) == 1).ToArray())).ToList();
            double mean = Rate(draws, batch, d => cache.ReadLatents(d.Indices, k => d.Flips[k], null));
            double sampled = Rate(draws, batch, d => cache.ReadLatents(d.Indices, k => d.Flips[k], (ulong)d.Indices[0]));
            using var all = cache.ReadLatents([.. Enumerable.Range(0, samples).Select(i => (long)i)], _ => false, null);
            double memory = Rate(draws, batch, d =>
            {
                using var index = tensor(d.Indices, ScalarType.Int64);
                return all.index_select(0, index);
            });
            output.WriteLine($"  memory-mapped cache, posterior mean:      {mean,12:N0} latents/s");
            output.WriteLine($"  memory-mapped cache, mean + std·ε drawn: {sampled,12:N0} latents/s");
            output.WriteLine($"  in-memory index_select (reference):      {memory,12:N0} latents/s");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static double Rate<T>(List<T> draws, int batch, Func<T, Tensor> read)
    {
        using (var warm = read(draws[0])) { }
        var clock = Stopwatch.StartNew();
        foreach (var draw in draws)
        {
            using var scope = NewDisposeScope();
            read(draw);
        }
        return draws.Count * batch / clock.Elapsed.TotalSeconds;
    }
}
