using System.Text.Json;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// The shape of a DINOv2 ViT, in the terms of Hugging Face's <c>Dinov2Config</c> (config.json): dinov2-small is
/// (384, 12 layers, 6 heads), base (768, 12, 12), large (1024, 24, 16), giant (1536, 40, 24, SwiGLU); all use patch
/// 14, image_size 518 (a 37×37 position table), mlp_ratio 4, layer_norm_eps 1e-6 and heads of 64 channels.
/// </summary>
public sealed record Dinov2Config
{
    /// <summary>Token width (hidden_size).</summary>
    public int HiddenSize { get; init; } = 768;
    /// <summary>Transformer layers (num_hidden_layers).</summary>
    public int NumLayers { get; init; } = 12;
    /// <summary>Attention heads (num_attention_heads).</summary>
    public int NumHeads { get; init; } = 12;
    /// <summary>Side of the square patches (patch_size).</summary>
    public int PatchSize { get; init; } = 14;
    /// <summary>The image side the position table was trained for (image_size): a table of (image_size / patch_size)² positions.</summary>
    public int ImageSize { get; init; } = 518;
    /// <summary>Image channels (num_channels).</summary>
    public int NumChannels { get; init; } = 3;
    /// <summary>Epsilon of every LayerNorm (layer_norm_eps).</summary>
    public double LayerNormEps { get; init; } = 1e-6;
    /// <summary>MLP width over token width (mlp_ratio).</summary>
    public double MlpRatio { get; init; } = 4;
    /// <summary>The SwiGLU feed-forward of dinov2-giant (use_swiglu_ffn) instead of the GELU MLP.</summary>
    public bool UseSwiGlu { get; init; }
    /// <summary>Whether the query, key and value projections have biases (qkv_bias).</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>The head width DINOv2's published models all use, which gives the head count when no config.json says it.</summary>
    public const int PublishedHeadSize = 64;

    /// <summary>Width of the GELU MLP's hidden layer: int(hidden_size · mlp_ratio).</summary>
    public int MlpHidden => (int)(HiddenSize * MlpRatio);

    /// <summary>Width of each SwiGLU half: int(int(hidden_size · mlp_ratio) · 2/3) rounded up to a multiple of 8, as transformers computes it.</summary>
    public int SwiGluHidden => ((int)(MlpHidden * 2.0 / 3.0) + 7) / 8 * 8;

    /// <summary>Side of the position table's grid: image_size / patch_size.</summary>
    public int PositionGrid => ImageSize / PatchSize;

    /// <summary>Throws an error naming the bad field.</summary>
    public void Validate()
    {
        void Positive(double value, string name)
        {
            if (!(value > 0)) throw new InvalidDataException($"DINOv2 config: {name} must be > 0 (got {value}).");
        }
        Positive(HiddenSize, "hidden_size");
        Positive(NumLayers, "num_hidden_layers");
        Positive(NumHeads, "num_attention_heads");
        Positive(PatchSize, "patch_size");
        Positive(ImageSize, "image_size");
        Positive(NumChannels, "num_channels");
        Positive(LayerNormEps, "layer_norm_eps");
        Positive(MlpRatio, "mlp_ratio");
        if (HiddenSize % NumHeads != 0)
            throw new InvalidDataException($"DINOv2 config: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumHeads}.");
        if (ImageSize < PatchSize)
            throw new InvalidDataException($"DINOv2 config: image_size {ImageSize} is smaller than patch_size {PatchSize}.");
    }

    /// <summary>
    /// Reads a Hugging Face config.json. Fields it does not name keep the transformers defaults; a hidden_act other
    /// than "gelu" (what every DINOv2 uses) or a model with register tokens is refused by name.
    /// </summary>
    public static Dinov2Config FromJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            int Int(string name, int fallback) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (int)v.GetDouble() : fallback;
            double Double(string name, double fallback) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
            bool Bool(string name, bool fallback) => root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
            if (root.TryGetProperty("hidden_act", out var act) && act.GetString() is { } activation && activation != "gelu")
                throw new InvalidDataException($"hidden_act '{activation}' is not supported (DINOv2 uses 'gelu').");
            if (Int("num_register_tokens", 0) != 0)
                throw new InvalidDataException("it describes DINOv2 with registers (num_register_tokens), which this encoder does not implement.");
            var defaults = new Dinov2Config();
            var config = new Dinov2Config
            {
                HiddenSize = Int("hidden_size", defaults.HiddenSize),
                NumLayers = Int("num_hidden_layers", defaults.NumLayers),
                NumHeads = Int("num_attention_heads", defaults.NumHeads),
                PatchSize = Int("patch_size", defaults.PatchSize),
                ImageSize = Int("image_size", defaults.ImageSize),
                NumChannels = Int("num_channels", defaults.NumChannels),
                LayerNormEps = Double("layer_norm_eps", defaults.LayerNormEps),
                MlpRatio = Double("mlp_ratio", defaults.MlpRatio),
                UseSwiGlu = Bool("use_swiglu_ffn", defaults.UseSwiGlu),
                QkvBias = Bool("qkv_bias", defaults.QkvBias),
            };
            config.Validate();
            return config;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or InvalidDataException)
        {
            throw new InvalidDataException($"'{path}' is not a usable DINOv2 config.json: {error.Message}", error);
        }
    }

    /// <summary>
    /// The config a Dinov2Model state dict implies, for weights without a config.json: widths, depth, patch, channels,
    /// MLP kind and ratio, qkv biases and the position grid come from the tensors' shapes; the head count, which no
    /// shape shows, is hidden_size / 64 (every published DINOv2); layer_norm_eps is 1e-6.
    /// </summary>
    public static Dinov2Config Infer(IReadOnlyDictionary<string, Tensor> weights)
    {
        Tensor Required(string name) => weights.TryGetValue(name, out var t) ? t
            : throw new InvalidDataException($"Cannot infer the DINOv2 shape: the weights have no '{name}' (a Hugging Face Dinov2Model state dict has it).");
        var projection = Required(Dinov2Names.PatchProjection + ".weight");
        var positions = Required(Dinov2Names.PositionEmbeddings);
        if (projection.dim() != 4 || positions.dim() != 3)
            throw new InvalidDataException($"Cannot infer the DINOv2 shape: '{Dinov2Names.PatchProjection}.weight' should be (hidden, channels, patch, patch) and " +
                $"'{Dinov2Names.PositionEmbeddings}' (1, 1 + grid², hidden); got [{string.Join(", ", projection.shape)}] and [{string.Join(", ", positions.shape)}].");
        int hidden = (int)projection.shape[0], patch = (int)projection.shape[2];
        long gridPositions = positions.shape[1] - 1;
        int grid = (int)Math.Round(Math.Sqrt(gridPositions));
        if ((long)grid * grid != gridPositions)
            throw new InvalidDataException($"Cannot infer the DINOv2 shape: '{Dinov2Names.PositionEmbeddings}' holds {gridPositions} patch positions, not a square grid.");
        int layers = 0;
        while (weights.ContainsKey(Dinov2Names.Layer(layers) + ".norm1.weight")) layers++;
        if (layers == 0) throw new InvalidDataException($"Cannot infer the DINOv2 shape: the weights have no '{Dinov2Names.Layer(0)}.norm1.weight'.");
        bool swiGlu = weights.ContainsKey(Dinov2Names.Layer(0) + ".mlp.weights_in.weight");
        double mlpRatio = swiGlu ? 4 : Required(Dinov2Names.Layer(0) + ".mlp.fc1.weight").shape[0] / (double)hidden;
        if (hidden % PublishedHeadSize != 0)
            throw new InvalidDataException($"Cannot infer the head count of a DINOv2 of width {hidden} (not a multiple of {PublishedHeadSize}): " +
                "put its config.json (num_attention_heads) next to the weights.");
        var config = new Dinov2Config
        {
            HiddenSize = hidden,
            NumLayers = layers,
            NumHeads = hidden / PublishedHeadSize,
            PatchSize = patch,
            ImageSize = grid * patch,
            NumChannels = (int)projection.shape[1],
            MlpRatio = mlpRatio,
            UseSwiGlu = swiGlu,
            QkvBias = weights.ContainsKey(Dinov2Names.Layer(0) + ".attention.attention.query.bias"),
        };
        config.Validate();
        return config;
    }
}
