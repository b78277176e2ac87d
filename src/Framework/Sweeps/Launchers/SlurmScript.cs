namespace Research.Framework.Sweeps.Launchers;

/// <summary>
/// A Slurm job-array script whose tasks are identical sweep workers (<c>#SBATCH --array=0-(N-1)%K</c>): each runs the
/// worker command against the shared trial store with <c>SLURM_ARRAY_TASK_ID</c> in its worker id. Slurm only
/// launches; the store hands out the trials, and a requeued or killed task's trial is retried by the others.
/// </summary>
public static class SlurmScript
{
    /// <summary>The script for <paramref name="workers"/> tasks, at most <paramref name="parallel"/> at once, each running <paramref name="workerArguments"/> plus its worker id.</summary>
    public static string Emit(string sweepName, int workers, int parallel, ProgramCommand program, IReadOnlyList<string> workerArguments, bool sqlite)
    {
        var lines = new List<string>
        {
            "#!/bin/bash",
            $"#SBATCH --job-name={Launchers.JobName(sweepName)}",
            $"#SBATCH --array=0-{workers - 1}%{parallel}",
            "#SBATCH --output=sweep-%A_%a.out",
            "# Identical sweep workers: each asks the trial store for trials until none is left.",
        };
        if (sqlite) lines.Add("# The store is a SQLite file: every task must see it on a local (not NFS) disk of one node; use --storage postgresql://… across nodes.");
        lines.Add("set -euo pipefail");
        lines.Add($"exec {program.ShellLine(workerArguments)} --worker-id \"slurm-${{SLURM_ARRAY_JOB_ID:-0}}-${{SLURM_ARRAY_TASK_ID}}\"");
        return string.Join('\n', lines) + "\n";
    }
}
