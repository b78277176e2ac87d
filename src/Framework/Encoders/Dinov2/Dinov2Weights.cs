using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>Reads a safetensors state dict and copies it into a <see cref="Dinov2Vit"/> by the published names, checking every name and shape.</summary>
public static class Dinov2Weights
{
    /// <summary>The tensors of a <c>.safetensors</c> file by name; an unreadable file is an <see cref="InvalidDataException"/> naming it.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path)
    {
        try
        {
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable .safetensors file: {error.Message}", error);
        }
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="vit"/> (cast to float32). Every parameter the network has
    /// must be there with its shape, and every tensor there must be one of them (or <see cref="Dinov2Names.Unused"/>);
    /// otherwise nothing is copied and the <see cref="InvalidDataException"/> lists each problem by name.
    /// </summary>
    public static void CopyInto(Dinov2Vit vit, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(vit);
        ArgumentNullException.ThrowIfNull(weights);
        var expected = vit.state_dict();
        var problems = new List<string>();
        foreach (var (name, parameter) in expected)
        {
            if (!weights.TryGetValue(name, out var tensor)) problems.Add($"missing parameter '{name}' [{Shape(parameter)}]");
            else if (!tensor.shape.SequenceEqual(parameter.shape))
                problems.Add($"parameter '{name}' has shape [{Shape(tensor)}], expected [{Shape(parameter)}]");
        }
        foreach (var name in weights.Keys.Where(n => !expected.ContainsKey(n) && !Dinov2Names.Unused.Contains(n)).Order())
            problems.Add($"unexpected parameter '{name}'");
        if (problems.Count > 0)
            throw new InvalidDataException($"'{source}' does not fit a DINOv2 ViT of hidden {vit.Config.HiddenSize}, {vit.Config.NumLayers} layers, " +
                $"{(vit.Config.UseSwiGlu ? "SwiGLU" : "MLP")} feed-forward: {string.Join("; ", problems.Take(12))}" +
                (problems.Count > 12 ? $"; and {problems.Count - 12} more" : "") + ".");
        using var noGradient = no_grad();
        foreach (var (name, parameter) in expected)
            parameter.copy_(weights[name].to(parameter.dtype));
    }

    static string Shape(Tensor t) => string.Join(", ", t.shape);
}
