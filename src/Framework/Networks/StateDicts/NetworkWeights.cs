using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Research.Framework.Networks.StateDicts;

/// <summary>
/// Our networks' weights as <c>.safetensors</c> under their own state names, with what built them in the file's
/// <c>__metadata__</c>: <c>format</c> "pt" (what PyTorch tools expect), <c>research.network</c> (the type name) and, for a
/// network that says how it was built (<see cref="IConfiguredNetwork"/>), <c>research.config</c> (its options as JSON).
/// PyTorch reads the file with <c>safetensors.torch.load_file</c>; our DiT's names are the official DiT's except
/// <c>x_embedder.proj.*</c> (see <see cref="OfficialDiTWeights"/>).
/// </summary>
public static class NetworkWeights
{
    /// <summary>The metadata key of the network's type name.</summary>
    public const string NetworkKey = "research.network";

    /// <summary>The metadata key of the network's options (JSON).</summary>
    public const string ConfigKey = "research.config";

    /// <summary>Options that change how a network trains or starts, not what its weights compute; loading ignores them.</summary>
    static readonly HashSet<string> NotCompared = ["Seed", "ClassDropoutProb", "InitFrom"];

    /// <summary>Saves <paramref name="network"/>'s parameters and buffers (in their own dtype) with its type and config.</summary>
    public static void Save(nn.Module network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", [NetworkKey] = network.GetType().Name };
        if (network is IConfiguredNetwork configured) metadata[ConfigKey] = ConfigJson(configured);
        SafetensorsFile.Write(path, StateDict.Unique(network).Select(entry => (entry.Names[0], entry.Tensor)), metadata);
    }

    /// <summary>
    /// Loads a file written by <see cref="Save"/> into <paramref name="network"/>: the type and every compared option must
    /// match (else an <see cref="ArgumentException"/> listing the differences), then the strict copy of every tensor.
    /// </summary>
    public static void Load(nn.Module network, StateDict file)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(file);
        var mismatches = Mismatches(network, file.Metadata);
        if (mismatches.Count > 0)
            throw new ArgumentException($"The weights in {file.Origin} were saved from another network: {string.Join("; ", mismatches)}.");
        StateDict.CopyInto(network, file.Tensors, file.Origin);
    }

    /// <summary>Whether <paramref name="file"/> was written by <see cref="Save"/> (it names the network in its metadata).</summary>
    public static bool IsOurs(StateDict file) => file?.Metadata.ContainsKey(NetworkKey) ?? throw new ArgumentNullException(nameof(file));

    /// <summary>Each difference between the file's metadata and <paramref name="network"/>: "Setting: file X, network Y".</summary>
    public static IReadOnlyList<string> Mismatches(nn.Module network, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        var problems = new List<string>();
        var type = network.GetType().Name;
        if (!metadata.TryGetValue(NetworkKey, out var saved)) return ["the file names no network (it was not saved by this framework)"];
        if (saved != type) return [$"network: file {saved}, this one {type}"];
        if (network is not IConfiguredNetwork configured || !metadata.TryGetValue(ConfigKey, out var json)) return problems;
        var file = JsonNode.Parse(json) as JsonObject ?? [];
        var ours = JsonNode.Parse(ConfigJson(configured)) as JsonObject ?? [];
        foreach (var name in ours.Select(kv => kv.Key).Union(file.Select(kv => kv.Key)).Where(n => !NotCompared.Contains(n)).Order())
        {
            string fileValue = file[name]?.ToJsonString() ?? "(absent)", ourValue = ours[name]?.ToJsonString() ?? "(absent)";
            if (fileValue != ourValue) problems.Add($"{name}: file {fileValue}, this one {ourValue}");
        }
        return problems;
    }

    static string ConfigJson(IConfiguredNetwork network) => JsonSerializer.Serialize(network.Options, network.Options.GetType());
}
