using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Commands;
using Research.Framework.Compute;
using Research.Framework.Sweeps.Launchers;

namespace Research.Experiments;

/// <summary>
/// `bench-dit [--threads N] [--rounds N] [--steps N] [--only CASE,...]`: this framework against PyTorch eager on the same
/// DiT, case by case: a flow-matching training step (forward, backward, AdamW), a no-grad forward and a MeanFlow step,
/// on the small DiT (16×16×4, patch 2 → 64 tokens, width 256, 4 blocks, 4 heads) and DiT-S/2 (32×32×4 → 256 tokens,
/// width 384, 12 blocks, 6 heads), batch 32, float32; plus our DiT-S/2 step under <c>--Precision bf16</c> against
/// PyTorch's float32 step. Every measurement is its own process, so its peak RSS (VmHWM) is the case's alone; the
/// processes run strictly one at a time, ours and PyTorch's (<c>Bench/pytorch/bench_dit.py</c> under Debian's
/// <c>/usr/bin/python3</c>) alternating case by case and round by round, so load drifts hit both alike. The table gives
/// the median over rounds of each round's ratio ours / PyTorch, for wall-clock and for process CPU time (with one
/// thread the CPU time measures the work and is far less disturbed by other processes on a busy machine), and the
/// median peak RSS of each side.
/// </summary>
public static class DiTBench
{
    const string Usage = "bench-dit [--threads N] [--rounds N] [--steps N] [--warmup N] [--only CASE,...]";
    const string Python = "/usr/bin/python3";

    /// <summary>Runs the bench (or, with the hidden <c>--worker CASE</c>, one of our measurements); returns the exit code.</summary>
    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var (options, only, worker) = Parse(args);
        if (worker is not null) return DiTBenchWorker.Run(output, DiTBenchCase.Find(worker), options);
        var cases = only.Select(DiTBenchCase.Find).ToArray();
        var script = Path.Combine(AppContext.BaseDirectory, "Bench", "pytorch", "bench_dit.py");
        if (!File.Exists(Python)) throw new UsageException($"bench-dit needs Debian's PyTorch at {Python} (apt-get install python3-torch libopenblas0-openmp)");

        output.WriteLine($"bench-dit: ours (TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, libtorch {TorchBackend.Name}) against PyTorch eager ({Python}), " +
            $"batch {DiTBenchCase.Batch}, {options.Threads} thread(s) each side, {options.Steps} measured steps after {options.Warmup} warm-up per process, {options.Rounds} interleaved rounds");
        output.WriteLine($"  OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "unset"} (unset: OpenBLAS picks its kernels for this CPU, AVX-512 where present)");
        output.WriteLine($"  load average before: {BenchStatistics.LoadAverage()}");
        var results = cases.ToDictionary(c => c, _ => (Ours: new List<Measurement>(), PyTorch: new List<Measurement>()));
        for (int round = 0; round < options.Rounds; round++)
        {
            foreach (var benchCase in cases)
            {
                var ours = Measure(ProgramCommand.Current().StartInfo(["bench-dit", "--worker", benchCase.Name, .. options.Arguments()]), options.Threads);
                var reference = Measure(new ProcessStartInfo(Python, [script, "--model", benchCase.Model, "--case", benchCase.Reference, .. options.Arguments()]), options.Threads);
                results[benchCase].Ours.Add(ours);
                results[benchCase].PyTorch.Add(reference);
                output.WriteLine($"  round {round + 1} {benchCase.Name,-14} ours {ours.WallMs,8:F0} ms {ours.PeakMiB,6:F0} MiB   PyTorch {reference.WallMs,8:F0} ms {reference.PeakMiB,6:F0} MiB   load {BenchStatistics.LoadAverage()}");
            }
        }
        Table(output, cases, results);
        output.WriteLine($"  load average after: {BenchStatistics.LoadAverage()}");
        return 0;
    }

    static void Table(TextWriter output, DiTBenchCase[] cases, Dictionary<DiTBenchCase, (List<Measurement> Ours, List<Measurement> PyTorch)> results)
    {
        output.WriteLine("  medians over rounds (ratios: the median of each round's ours / PyTorch; below 1: ours is faster or smaller)");
        output.WriteLine($"    {"case",-14} {"ours ms",9} {"PyTorch ms",10} {"wall ×",7} {"CPU ×",7}   {"peak MiB ours",13} {"PyTorch",8} {"×",6}   {"last MiB ours",13} {"PyTorch",8}");
        foreach (var benchCase in cases)
        {
            var (ours, reference) = results[benchCase];
            double Ratio(Func<Measurement, double> value) => BenchStatistics.Median(ours.Zip(reference, (a, b) => value(a) / value(b)));
            double Median(List<Measurement> side, Func<Measurement, double> value) => BenchStatistics.Median(side.Select(value));
            output.WriteLine($"    {benchCase.Name,-14} {Median(ours, m => m.WallMs),9:F0} {Median(reference, m => m.WallMs),10:F0} {Ratio(m => m.WallMs),7:F2} {Ratio(m => m.CpuMs),7:F2}   " +
                $"{Median(ours, m => m.PeakMiB),13:F0} {Median(reference, m => m.PeakMiB),8:F0} {Ratio(m => m.PeakMiB),6:F2}   {Median(ours, m => m.LastMiB),13:F0} {Median(reference, m => m.LastMiB),8:F0}");
        }
        output.WriteLine($"    ({string.Join("; ", cases.Select(c => $"{c.Name}: {c.Description}"))})");
    }

    /// <summary>Runs one measuring process to its end and reads the JSON line it prints last.</summary>
    static Measurement Measure(ProcessStartInfo start, int threads)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);   // OpenMP's pool (libtorch's and OpenBLAS's) at the same count
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var error = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var last = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || last is null || !last.StartsWith('{'))
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {error.Result.Trim()} {lines.Trim()}");
        return Measurement.Parse(last);
    }

    /// <summary>The measurement settings both sides get.</summary>
    public sealed record Options(int Threads, int Rounds, int Steps, int Warmup)
    {
        /// <summary>The arguments a measuring process takes (the Python script's spelling is the same).</summary>
        public string[] Arguments() => ["--threads", Str(Threads), "--steps", Str(Steps), "--warmup", Str(Warmup)];

        static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the numeric options (BenchArguments), `--only` (cases, comma-separated; default all) and the hidden `--worker CASE`.</summary>
    public static (Options Options, IReadOnlyList<string> Only, string? Worker) Parse(IReadOnlyList<string> args)
    {
        var numeric = new List<string>();
        IReadOnlyList<string> only = DiTBenchCase.All.Select(c => c.Name).ToArray();
        string? worker = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("--only" or "--worker")) { numeric.Add(args[i]); continue; }
            if (i + 1 >= args.Count) throw new UsageException($"usage: {Usage}; {args[i]} needs a value (cases: {DiTBenchCase.Names})");
            var names = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var name in names)
                if (DiTBenchCase.All.All(c => c.Name != name)) throw new UsageException($"usage: {Usage}; no case '{name}' (cases: {DiTBenchCase.Names})");
            if (args[i] == "--only") only = names; else worker = names.Single();
            i++;
        }
        var values = BenchArguments.Read(Usage, numeric, new("threads", 1, 1), new("rounds", 4, 1), new("steps", 3, 1), new("warmup", 1, 0));
        return (new Options((int)values["threads"], (int)values["rounds"], (int)values["steps"], (int)values["warmup"]), only, worker);
    }

    /// <summary>One process's figures: median step (wall and CPU), peak and last RSS.</summary>
    public sealed record Measurement(double WallMs, double CpuMs, double PeakMiB, double LastMiB)
    {
        /// <summary>Reads the JSON line both sides print (lists of step times, VmHWM and VmRSS in KiB).</summary>
        public static Measurement Parse(string json)
        {
            var node = JsonNode.Parse(json) ?? throw new JsonException("empty measurement");
            double Median(string key) => BenchStatistics.Median(node[key]!.AsArray().Select(v => v!.GetValue<double>()));
            return new(Median("wall_ms"), Median("cpu_ms"), node["peak_rss_kib"]!.GetValue<double>() / 1024, node["last_rss_kib"]!.GetValue<double>() / 1024);
        }
    }
}
