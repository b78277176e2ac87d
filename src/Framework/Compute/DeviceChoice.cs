using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Compute;

/// <summary>Reads <c>--Device</c>: cpu, cuda, cuda:N or auto, checked against this build and machine before anything runs.</summary>
public static class DeviceChoice
{
    /// <summary>The valid spellings, for messages.</summary>
    public const string Choices = "cpu, cuda, cuda:N or auto";

    /// <summary>The device <paramref name="text"/> names; an unknown spelling or a CUDA device that is not there is an <see cref="ArgumentException"/> saying why.</summary>
    public static Device Resolve(string text) => Resolve(text, TorchBackend.IsCuda, CudaDevices);

    /// <summary>As <see cref="Resolve(string)"/> for a build with or without CUDA and a machine with <paramref name="gpus"/> CUDA devices (the testable core).</summary>
    public static Device Resolve(string text, bool cudaBuild, Func<int> gpus)
    {
        var name = (text ?? "").Trim().ToLowerInvariant();
        if (name == "cpu") return CPU;
        if (name == "auto") return cudaBuild && gpus() > 0 ? new Device(DeviceType.CUDA, 0) : CPU;
        int index;
        if (name == "cuda") index = 0;
        else if (name.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(name[5..], NumberStyles.None, CultureInfo.InvariantCulture, out index)) { }
        else throw new ArgumentException($"Device must be {Choices}; got '{text}'.");
        if (!cudaBuild)
            throw new ArgumentException($"Device {text}: this build has the CPU libtorch only. Build with `dotnet build {TorchBackend.CudaSwitch}` " +
                "(the TorchSharp-cuda-linux package) on a machine with an NVIDIA GPU, or use --Device cpu.");
        int count = gpus();
        if (index >= count)
            throw new ArgumentException($"Device {text}: this machine has {count} CUDA device(s){(count > 0 ? $" (cuda:0 … cuda:{count - 1})" : "")}; use --Device cpu or auto.");
        return new Device(DeviceType.CUDA, index);
    }

    static int CudaDevices() => cuda.is_available() ? cuda.device_count() : 0;
}
