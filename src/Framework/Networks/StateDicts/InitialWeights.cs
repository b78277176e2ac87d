using Research.Framework.Interfaces;
using static TorchSharp.torch;

namespace Research.Framework.Networks.StateDicts;

/// <summary>
/// Starts a network from a weights file (the networks' <c>InitFrom</c> option, <c>--Network.InitFrom</c>): a
/// <c>.safetensors</c> file this framework saved (<see cref="NetworkWeights"/>, config checked) or, for a
/// <see cref="DiT"/>, an official DiT/SiT state dict (<see cref="OfficialDiTWeights"/>, shapes checked).
/// </summary>
public static class InitialWeights
{
    /// <summary>The file <paramref name="network"/>'s options ask it to start from, or null.</summary>
    public static string? PathOf(IDiffusionNetwork network) => network switch
    {
        DiT { Options.InitFrom: { Length: > 0 } path } => path,
        ToyMlp { Options.InitFrom: { Length: > 0 } path } => path,
        _ => null,
    };

    /// <summary>
    /// Loads the file <see cref="PathOf"/> names into <paramref name="network"/> (casting to its device and dtype);
    /// returns the file's description, or null when there is none. Any problem is an <see cref="ArgumentException"/>.
    /// </summary>
    public static string? Apply(IDiffusionNetwork network)
    {
        if (PathOf(network) is not { } path) return null;
        try
        {
            using var file = StateDict.Read(path);
            if (NetworkWeights.IsOurs(file)) NetworkWeights.Load((nn.Module)network, file);
            else if (network is DiT dit) OfficialDiTWeights.LoadInto(dit, file);
            else throw new ArgumentException($"{path} was not saved by this framework (its metadata names no network); a {network.GetType().Name} starts only from such a .safetensors file.");
            return file.Origin;
        }
        catch (Exception error) when (error is FileNotFoundException or InvalidDataException or IOException)
        {
            throw new ArgumentException($"Network.InitFrom: {error.Message}", error);
        }
    }
}
