using System.Globalization;

namespace Research.Framework.Distributed;

/// <summary>This process's place in a multi-process launch, as the launcher's environment tells it.</summary>
/// <param name="Rank">The process's index in the world.</param>
/// <param name="WorldSize">How many processes the launcher started.</param>
/// <param name="Launcher">Which variables said so (for messages).</param>
public sealed record LaunchEnvironment(int Rank, int WorldSize, string Launcher)
{
    /// <summary>
    /// The launchers read, first match wins: Open MPI's mpirun (<c>OMPI_COMM_WORLD_RANK</c>/<c>_SIZE</c>), Slurm's srun
    /// (<c>SLURM_PROCID</c>/<c>SLURM_NTASKS</c>, only inside a step that srun started, where <c>SLURM_STEP_ID</c> is set),
    /// and the PMI of MPICH and Intel MPI (<c>PMI_RANK</c>/<c>PMI_SIZE</c>).
    /// </summary>
    static readonly (string Rank, string Size, string Name, string? Requires)[] Launchers =
    [
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI (mpirun)", null),
        ("SLURM_PROCID", "SLURM_NTASKS", "Slurm (srun)", "SLURM_STEP_ID"),
        ("PMI_RANK", "PMI_SIZE", "PMI (mpiexec)", null),
    ];

    /// <summary>
    /// The launch this process belongs to, or a world of one when no launcher's variables are set. A half-set or
    /// malformed pair is a <see cref="DistributedLaunchException"/> naming the variables.
    /// </summary>
    public static LaunchEnvironment Read(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        foreach (var (rankName, sizeName, name, requires) in Launchers)
        {
            string? rank = variable(rankName), size = variable(sizeName);
            if (rank is null && size is null) continue;
            if (requires is not null && variable(requires) is null) continue;   // an sbatch script itself, not a task srun started
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int worldSize) || worldSize < 1
                || !int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= worldSize)
                throw new DistributedLaunchException($"{name} set {rankName}={rank ?? "(unset)"} and {sizeName}={size ?? "(unset)"}; " +
                    $"they must be a rank 0 ≤ rank < size and a size ≥ 1.");
            return new LaunchEnvironment(index, worldSize, name);
        }
        return new LaunchEnvironment(0, 1, "none");
    }
}
