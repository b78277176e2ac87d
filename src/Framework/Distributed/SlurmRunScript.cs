using Research.Framework.Sweeps.Launchers;

namespace Research.Framework.Distributed;

/// <summary>
/// A Slurm batch script for one data-parallel run: <c>--nodes</c> N, one task (rank) per GPU, each task seeing its own
/// GPU as cuda:0 (<c>--gpus-per-task=1</c>), started by <c>srun --mpi=pmix</c> so that Open MPI joins the ranks (the
/// program reads <c>SLURM_PROCID</c>/<c>SLURM_NTASKS</c>, no flag). Without GPUs, one CPU rank per node. The runs folder
/// must be on a file system every node sees: rank 0 writes it, the others read the checkpoints when resuming.
/// </summary>
public static class SlurmRunScript
{
    /// <summary>The script for <paramref name="nodes"/> nodes of <paramref name="gpusPerNode"/> GPUs running <paramref name="runArguments"/>.</summary>
    public static string Emit(string experiment, int nodes, int gpusPerNode, ProgramCommand program, IReadOnlyList<string> runArguments)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gpusPerNode);
        int tasksPerNode = Math.Max(gpusPerNode, 1);
        var lines = new List<string>
        {
            "#!/bin/bash",
            $"#SBATCH --job-name={Launchers.JobName("run", experiment)}",
            $"#SBATCH --nodes={nodes}",
            $"#SBATCH --ntasks-per-node={tasksPerNode}",
        };
        if (gpusPerNode > 0)
        {
            lines.Add($"#SBATCH --gpus-per-node={gpusPerNode}");
            lines.Add("#SBATCH --gpus-per-task=1");
        }
        lines.Add("#SBATCH --output=run-%j.out");
        lines.Add($"# One data-parallel run of {experiment}: {nodes * tasksPerNode} ranks; rank 0 writes the run folder, which every node must see.");
        lines.Add("# srun --mpi=list shows the PMI plugins of this cluster; Open MPI 4 joins through pmix (or pmi2).");
        lines.Add("set -euo pipefail");
        lines.Add($"exec srun --mpi=pmix {program.ShellLine(runArguments)}");
        return string.Join('\n', lines) + "\n";
    }
}
