using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// Reads and writes an <see cref="AutoencoderKL"/>'s parameters as a diffusers safetensors file (TorchSharp.PyBridge),
/// under diffusers' names. Older diffusers files name the mid-block attention <c>query</c>, <c>key</c>, <c>value</c>,
/// <c>proj_attn</c> (some as 1×1 conv kernels (C, C, 1, 1)); these are mapped to <c>to_q</c>, <c>to_k</c>,
/// <c>to_v</c>, <c>to_out.0</c> as diffusers does on load. Half-precision files are widened to the module's dtype.
/// </summary>
public static class AutoencoderKLWeights
{
    static readonly (string Legacy, string Current)[] LegacyAttentionNames =
        [(".query.", ".to_q."), (".key.", ".to_k."), (".value.", ".to_v."), (".proj_attn.", ".to_out.0.")];

    /// <summary>
    /// Copies the file's tensors into <paramref name="vae"/>. Refuses, naming them, parameters the file lacks, tensors
    /// the architecture has no place for, and tensors whose shape differs (the config does not match the weights).
    /// </summary>
    public static void LoadInto(AutoencoderKL vae, string path)
    {
        ArgumentNullException.ThrowIfNull(vae);
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> file;
        try { file = Safetensors.LoadStateDict(path); }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path} is not a readable safetensors file: {error.Message}", error);
        }
        var loaded = file.ToDictionary(p => CurrentName(p.Key), p => p.Value, StringComparer.Ordinal);
        var expected = vae.state_dict();
        var missing = expected.Keys.Where(k => !loaded.ContainsKey(k)).ToList();
        var unexpected = loaded.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"missing {Names(missing)}");
        if (unexpected.Count > 0) problems.Add($"unexpected {Names(unexpected)}");
        var misshaped = expected.Where(p => loaded.TryGetValue(p.Key, out var t) && !SameShape(p.Value, t))
            .Select(p => $"{p.Key} (file [{string.Join(", ", loaded[p.Key].shape)}], {vae.Config.GetType().Name} wants [{string.Join(", ", p.Value.shape)}])").ToList();
        if (misshaped.Count > 0) problems.Add($"mis-shaped {string.Join("; ", misshaped.Take(10))}{(misshaped.Count > 10 ? $"; and {misshaped.Count - 10} more" : "")}");
        if (problems.Count > 0)
            throw new InvalidDataException($"AutoencoderKL weights {path} do not fit {vae.Config}: {string.Join(". ", problems)}. " +
                "Check that config.json (or the Vae.* settings) describes these weights.");
        using var noGradient = no_grad();
        foreach (var (name, target) in expected)
            target.copy_(loaded[name].reshape(target.shape).to(target.dtype, target.device));
    }

    /// <summary>Writes the VAE's state under diffusers' names (float32).</summary>
    public static void Save(AutoencoderKL vae, string path)
    {
        ArgumentNullException.ThrowIfNull(vae);
        using var scope = NewDisposeScope();
        var state = vae.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to(ScalarType.Float32, CPU).contiguous());
        Safetensors.SaveStateDict(path, state);
    }

    /// <summary>The current diffusers name of a possibly legacy attention parameter.</summary>
    internal static string CurrentName(string name)
    {
        if (!name.Contains(".attentions.", StringComparison.Ordinal)) return name;
        foreach (var (legacy, current) in LegacyAttentionNames)
            if (name.Contains(legacy, StringComparison.Ordinal)) return name.Replace(legacy, current, StringComparison.Ordinal);
        return name;
    }

    /// <summary>Same shape, or a 1×1 conv kernel (C, C, 1, 1) where a Linear weight (C, C) is wanted.</summary>
    static bool SameShape(Tensor wanted, Tensor file) =>
        wanted.shape.SequenceEqual(file.shape) || (wanted.dim() == 2 && file.dim() == 4 && file.shape[2] == 1 && file.shape[3] == 1 && file.shape[..2].SequenceEqual(wanted.shape));

    static string Names(List<string> names) => string.Join(", ", names.Take(10)) + (names.Count > 10 ? $" and {names.Count - 10} more" : "");
}
