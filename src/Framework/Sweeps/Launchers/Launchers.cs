namespace Research.Framework.Sweeps.Launchers;

/// <summary>What the launchers share.</summary>
static class Launchers
{
    /// <summary>A job name Slurm and Kubernetes both accept (lowercase letters, digits and '-', at most 63): "sweep-" and the sweep's name.</summary>
    public static string JobName(string sweepName) => JobName("sweep", sweepName);

    /// <summary>A job name of <paramref name="kind"/> and <paramref name="name"/> that Slurm and Kubernetes accept (lowercase letters, digits and '-', at most 63).</summary>
    public static string JobName(string kind, string name)
    {
        name = new string([.. (kind + "-" + name).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }
}
