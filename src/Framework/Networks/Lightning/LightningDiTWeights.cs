using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Lightning;

/// <summary>
/// Loads a state dict of the reference PyTorch LightningDiT (hustvl/LightningDiT <c>models/lightningdit.py</c>, as its
/// checkpoints or <c>state_dict()</c> hold it) into a <see cref="LightningDiT"/>. Our names are the reference's but for
/// the patch embedding, which the reference wraps in timm's <c>PatchEmbed</c>: <c>x_embedder.proj.{weight,bias}</c> →
/// <c>x_embedder.{weight,bias}</c>. The reference's buffers (<c>pos_embed</c>, <c>feat_rope.freqs_cos/sin</c>) are part of
/// its state dict and are loaded like parameters. Strict: a reference name with no counterpart, one of our names left
/// unfilled (for example <c>dt_embedder.*</c>, which the reference has not) or a shape that differs is an error naming them.
/// </summary>
public static class LightningDiTWeights
{
    /// <summary>Our name for a reference state-dict name.</summary>
    public static string OurName(string referenceName)
    {
        ArgumentNullException.ThrowIfNull(referenceName);
        const string patch = "x_embedder.proj.";
        return referenceName.StartsWith(patch, StringComparison.Ordinal) ? "x_embedder." + referenceName[patch.Length..] : referenceName;
    }

    /// <summary>
    /// Copies every tensor of <paramref name="reference"/> into <paramref name="model"/>, a <see cref="LightningDiT"/> or one
    /// of its parts (a <see cref="LightningDiTBlock"/> with a reference block's state dict), after checking names and shapes.
    /// </summary>
    public static void LoadReference(nn.Module model, IReadOnlyDictionary<string, Tensor> reference)
    {
        ArgumentNullException.ThrowIfNull(model);
        string what = model is LightningDiT network ? $"this LightningDiT ({network.Options})" : $"this {model.GetType().Name}";
        ArgumentNullException.ThrowIfNull(reference);
        var ours = Distinct(model.state_dict());
        var mapped = reference.ToDictionary(pair => OurName(pair.Key), pair => (ReferenceName: pair.Key, Tensor: pair.Value));
        var unexpected = mapped.Where(pair => !ours.ContainsKey(pair.Key)).Select(pair => pair.Value.ReferenceName).ToList();
        var missing = ours.Keys.Where(name => !mapped.ContainsKey(name)).ToList();
        if (unexpected.Count > 0 || missing.Count > 0)
            throw new ArgumentException($"the state dict does not fit {what}: " +
                (unexpected.Count > 0 ? $"unexpected reference names [{string.Join(", ", unexpected)}]" : "") +
                (unexpected.Count > 0 && missing.Count > 0 ? "; " : "") +
                (missing.Count > 0 ? $"missing names [{string.Join(", ", missing)}]" : ""), nameof(reference));
        var misshapen = mapped.Where(pair => !pair.Value.Tensor.shape.SequenceEqual(ours[pair.Key].shape))
            .Select(pair => $"{pair.Value.ReferenceName} [{string.Join(", ", pair.Value.Tensor.shape)}] for {pair.Key} [{string.Join(", ", ours[pair.Key].shape)}]").ToList();
        if (misshapen.Count > 0)
            throw new ArgumentException($"the state dict's shapes do not fit {what}: {string.Join("; ", misshapen)}", nameof(reference));
        using var _ = no_grad();
        foreach (var (name, (_, tensor)) in mapped) ours[name].copy_(tensor);
    }

    /// <summary>
    /// The state dict without aliases: a module held by two fields is listed under both names (the time embedders' first
    /// Linear is also <c>first</c>), and only the first name of each tensor is a name to load.
    /// </summary>
    static Dictionary<string, Tensor> Distinct(IDictionary<string, Tensor> state)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        return state.Where(pair => seen.Add(pair.Value)).ToDictionary(pair => pair.Key, pair => pair.Value);
    }
}
