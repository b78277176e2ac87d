using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Research.Framework.Networks.StateDicts;

/// <summary>
/// A state dict read from a file: its tensors by name (on the CPU), the safetensors metadata (empty for a pickle), and
/// where they came from, for error messages. Disposing it frees the tensors (a checkpoint can be gigabytes).
/// </summary>
public sealed record StateDict(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata, string Origin) : IDisposable
{
    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }

    /// <summary>
    /// Reads <paramref name="path"/>: a <c>.safetensors</c> file, or a PyTorch pickle written by <c>torch.save</c> (zip
    /// format, <c>.pt</c>/<c>.pth</c>/<c>.bin</c>) through TorchSharp.PyBridge's unpickler. A pickle may be a bare state
    /// dict or a training checkpoint holding one: its <c>"ema"</c> entry is taken when present (the weights one samples
    /// with), else <c>"model"</c>, else <c>"state_dict"</c>; any other layout is an error listing the top-level keys.
    /// </summary>
    public static StateDict Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No weights file '{path}'.", path);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            var (tensors, metadata) = SafetensorsFile.Read(path);
            return new StateDict(tensors, metadata, path);
        }
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        }
        // PyBridge's unpickler answers a pickle it cannot read (an opcode or class outside a state dict's, a file that is
        // not torch.save's zip) with these; NotImplementedException is its word for an unsupported opcode, not a stub here.
        catch (Exception error) when (error is NotImplementedException or InvalidDataException or InvalidCastException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a readable PyTorch state dict (torch.save's zip format of a dict of tensors): {error.Message}", error);
        }
        return FromPickle(root, path);
    }

    static StateDict FromPickle(Hashtable root, string path)
    {
        if (AllTensors(root)) return new StateDict(Flat(root), new Dictionary<string, string>(), path);
        foreach (var entry in new[] { "ema", "model", "state_dict" })
            if (root[entry] is Hashtable inner && AllTensors(inner))
                return new StateDict(Flat(inner), new Dictionary<string, string>(), $"{path} (its \"{entry}\" entry)");
        var keys = root.Keys.Cast<object>().Select(k => $"\"{k}\"").Order();
        throw new InvalidDataException($"'{path}' is neither a state dict nor a checkpoint with an \"ema\", \"model\" or \"state_dict\" entry of tensors; its top-level keys: {string.Join(", ", keys)}.");
    }

    static bool AllTensors(Hashtable table) => table.Count > 0 && table.Keys.Cast<object>().All(k => k is string) && table.Values.Cast<object?>().All(v => v is Tensor);

    static Dictionary<string, Tensor> Flat(Hashtable table) => table.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!);

    /// <summary>
    /// Copies these tensors into <paramref name="module"/>'s parameters and buffers, names taken as they are; see
    /// <see cref="CopyInto(nn.Module, IReadOnlyDictionary{string, Tensor}, string, Func{string, string}?)"/>.
    /// </summary>
    public void CopyInto(nn.Module module) => CopyInto(module, Tensors, Origin);

    /// <summary>
    /// Copies <paramref name="source"/> (names already in the module's terms) into <paramref name="module"/>'s parameters
    /// and buffers without autograd, casting to each target's dtype and device. Strict: a name the module has and the
    /// source lacks, a name the source has and the module lacks, or a shape that differs is an <see cref="ArgumentException"/>
    /// listing every such problem, and nothing is copied. <paramref name="sourceName"/> turns a module name into the
    /// source's own name for the messages (for files with another naming).
    /// </summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string origin, Func<string, string>? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        sourceName ??= name => name;
        var targets = Unique(module);
        var problems = new List<string>();
        var copies = new List<(Tensor Target, Tensor Value)>();
        foreach (var (names, target) in targets)
        {
            var found = names.FirstOrDefault(source.ContainsKey);
            if (found is null) problems.Add($"missing {sourceName(names[0])} [{Shape(target)}]");
            else if (!source[found].shape.SequenceEqual(target.shape)) problems.Add($"{sourceName(found)} is [{Shape(source[found])}], expected [{Shape(target)}]");
            else copies.Add((target, source[found]));
        }
        var known = targets.SelectMany(t => t.Names).ToHashSet();
        problems.AddRange(source.Keys.Where(name => !known.Contains(name)).Order().Select(name => $"unexpected {sourceName(name)} [{Shape(source[name])}]"));
        if (problems.Count > 0)
            throw new ArgumentException($"The weights in {origin} do not fit {module.GetName()}: {string.Join("; ", problems.Take(12))}{(problems.Count > 12 ? $"; and {problems.Count - 12} more" : "")}.");
        using var noGradient = no_grad();
        foreach (var (target, value) in copies) target.copy_(value);
    }

    /// <summary>
    /// The module's parameters and buffers, each once, with every name it is registered under (a field that also sits
    /// inside a Sequential, such as TimestepEmbedder's first Linear, appears twice in <c>state_dict()</c>), in state order:
    /// the first name is the one a file is written with.
    /// </summary>
    public static IReadOnlyList<(string[] Names, Tensor Tensor)> Unique(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var order = new List<Tensor>();
        var names = new Dictionary<Tensor, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in module.state_dict())
        {
            if (!names.TryGetValue(tensor, out var list)) { names[tensor] = list = []; order.Add(tensor); }
            list.Add(name);
        }
        return order.Select(t => (names[t].ToArray(), t)).ToArray();
    }

    static string Shape(Tensor t) => string.Join(", ", t.shape);
}
