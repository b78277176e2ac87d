using System.Reflection;

namespace Research.Framework.Compute;

/// <summary>The native libtorch this build was restored with (the MSBuild property <c>TorchBackend</c>: cpu or cuda).</summary>
public static class TorchBackend
{
    /// <summary>The MSBuild switch that selects the CUDA backend.</summary>
    public const string CudaSwitch = "-p:TorchBackend=cuda";

    /// <summary>"cpu" or "cuda", from the assembly metadata the build writes.</summary>
    public static string Name { get; } = typeof(TorchBackend).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "cpu";

    /// <summary>Whether this build carries the CUDA natives.</summary>
    public static bool IsCuda => Name == "cuda";
}
