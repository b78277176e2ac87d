using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// The DINOv2 vision transformer of Hugging Face's <c>Dinov2Model</c> (Oquab et al. 2023), frozen, for REPA's
/// targets: embeddings → layers → final LayerNorm. Its <c>state_dict()</c> names are the published ones, so
/// <see cref="Load"/> reads a <c>dinov2-small/base/large/giant</c> <c>model.safetensors</c> as it is, with the
/// <c>config.json</c> beside it (or the shape inferred from the tensors).
/// </summary>
public sealed class Dinov2Vit : Dinov2Module
{
    readonly Dinov2Embeddings embeddings;
    readonly ModuleList<Dinov2Layer> layers;
    readonly LayerNorm layernorm;

    /// <summary>A network of <paramref name="config"/>'s shape, in eval mode, weights unset until <see cref="Dinov2Weights.CopyInto"/>.</summary>
    public Dinov2Vit(Dinov2Config config) : base(nameof(Dinov2Vit))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new Dinov2Embeddings(config);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(_ => new Dinov2Layer(config)).ToArray());
        layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("embeddings", embeddings);
        register_module("encoder", Named(("layer", layers)));
        register_module("layernorm", layernorm);
        foreach (var parameter in parameters()) parameter.requires_grad = false;
        eval();
    }

    /// <summary>The shape.</summary>
    public Dinov2Config Config { get; }

    /// <inheritdoc cref="Dinov2Embeddings.InterpolateOffset"/>
    public double InterpolateOffset
    {
        get => embeddings.InterpolateOffset;
        set => embeddings.InterpolateOffset = value;
    }

    /// <summary>
    /// transformers' <c>last_hidden_state</c>: pixels (B, C, H, W), already normalised, → tokens
    /// (B, 1 + (H/patch)·(W/patch), hidden) after the final LayerNorm, CLS first, then the patches row by row.
    /// </summary>
    public override Tensor forward(Tensor pixels)
    {
        if (pixels.dim() != 4 || pixels.shape[1] != Config.NumChannels || pixels.shape[2] < Config.PatchSize || pixels.shape[3] < Config.PatchSize)
            throw new ArgumentException($"DINOv2 takes pixels (B, {Config.NumChannels}, H, W) with H, W ≥ {Config.PatchSize}; got [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        using var noGradient = no_grad();
        var h = embeddings.forward(pixels);
        foreach (var layer in layers) h = layer.forward(h);
        return layernorm.forward(h);
    }

    /// <summary>
    /// Reads a Hugging Face Dinov2Model <c>.safetensors</c> file, its shape from the <c>config.json</c> in the same folder
    /// when there is one (else inferred from the tensors, see <see cref="Dinov2Config.Infer"/>). A missing file is a
    /// <see cref="FileNotFoundException"/>; a missing, extra or mis-shaped parameter an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static Dinov2Vit Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No DINOv2 weights at '{path}': give a Hugging Face Dinov2Model model.safetensors " +
                "(e.g. facebook/dinov2-base), with its config.json beside it.", path);
        // No dispose scope here: it would take the new network's parameters with it. The file's tensors are released below.
        var weights = Dinov2Weights.Read(path);
        try
        {
            var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "config.json");
            var config = File.Exists(configPath) ? Dinov2Config.FromJson(configPath) : Dinov2Config.Infer(weights);
            var vit = new Dinov2Vit(config);
            Dinov2Weights.CopyInto(vit, weights, path);
            return vit;
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }
}
