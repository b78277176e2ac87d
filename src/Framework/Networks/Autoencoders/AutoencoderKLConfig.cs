using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// The shape of an <see cref="AutoencoderKL"/>: the fields of a diffusers <c>AutoencoderKL</c> <c>config.json</c> that
/// change the architecture or the latent scale. The defaults are Stable Diffusion's VAE (<c>sd-vae-ft-mse</c>: 3 → 4
/// latent channels, blocks 128/256/512/512, two resnets per encoder block, 32 groups, scaling factor 0.18215).
/// </summary>
public sealed record AutoencoderKLConfig
{
    /// <summary>Image channels in.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Image channels out.</summary>
    public int OutChannels { get; init; } = 3;

    /// <summary>Latent channels (the encoder emits twice as many: mean and log-variance).</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>The channels of each resolution level; every level but the last halves the side, so latents are 2^(levels−1) times smaller.</summary>
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [128, 256, 512, 512];

    /// <summary>Resnets per encoder block (the decoder's blocks have one more).</summary>
    public int LayersPerBlock { get; init; } = 2;

    /// <summary>GroupNorm groups of every norm (eps 1e-6).</summary>
    public int NormNumGroups { get; init; } = 32;

    /// <summary>Latents are multiplied by this after encoding (and divided before decoding), for unit variance.</summary>
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Subtracted from latents before scaling (and added back after unscaling); null is 0 (SD-VAE), FLUX's VAE sets it.</summary>
    public double? ShiftFactor { get; init; }

    /// <summary>The 1×1 conv on the encoder's moments (false in FLUX's VAE).</summary>
    public bool UseQuantConv { get; init; } = true;

    /// <summary>The 1×1 conv on latents before the decoder (false in FLUX's VAE).</summary>
    public bool UsePostQuantConv { get; init; } = true;

    /// <summary>The self-attention between the two mid-block resnets of encoder and decoder.</summary>
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>How many times smaller than the image the latents' side is: 2^(levels − 1).</summary>
    public int DownsamplingFactor => 1 << (BlockOutChannels.Count - 1);

    /// <summary>Refuses shapes the architecture cannot build, naming the field.</summary>
    public void Validate()
    {
        if (InChannels < 1 || OutChannels < 1 || LatentChannels < 1)
            throw new ArgumentException($"AutoencoderKL channels must be positive; got in_channels {InChannels}, out_channels {OutChannels}, latent_channels {LatentChannels}.");
        if (BlockOutChannels.Count < 1) throw new ArgumentException("AutoencoderKL block_out_channels is empty; give one channel count per level, e.g. [128, 256, 512, 512].");
        if (LayersPerBlock < 1) throw new ArgumentException($"AutoencoderKL layers_per_block must be at least 1; got {LayersPerBlock}.");
        if (NormNumGroups < 1) throw new ArgumentException($"AutoencoderKL norm_num_groups must be at least 1; got {NormNumGroups}.");
        foreach (var channels in BlockOutChannels)
            if (channels < 1 || channels % NormNumGroups != 0)
                throw new ArgumentException($"AutoencoderKL block_out_channels [{string.Join(", ", BlockOutChannels)}] must be positive multiples of norm_num_groups {NormNumGroups}.");
        if (!(ScalingFactor > 0 && double.IsFinite(ScalingFactor))) throw new ArgumentException($"AutoencoderKL scaling_factor must be a positive number; got {ScalingFactor}.");
        if (ShiftFactor is { } shift && !double.IsFinite(shift)) throw new ArgumentException($"AutoencoderKL shift_factor must be finite; got {shift}.");
    }

    /// <summary>
    /// Reads a diffusers <c>config.json</c> (the one saved beside <c>diffusion_pytorch_model.safetensors</c>). Fields
    /// that are absent take diffusers' defaults; an architecture this class does not implement (another block type,
    /// activation or class) is refused naming the field.
    /// </summary>
    public static AutoencoderKLConfig FromDiffusersJson(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No AutoencoderKL config.json at {path}.", path);
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} is not a JSON object."); }
        catch (JsonException error) { throw new InvalidDataException($"{path} is not valid JSON: {error.Message}", error); }

        if (json["_class_name"]?.GetValue<string>() is { } name && name != "AutoencoderKL")
            throw new InvalidDataException($"{path} describes a {name}, not an AutoencoderKL.");
        if (json["act_fn"]?.GetValue<string>() is { } act && act != "silu")
            throw new InvalidDataException($"{path}: act_fn '{act}' is not supported; AutoencoderKL here uses silu.");
        RequireAll(json, path, "down_block_types", "DownEncoderBlock2D");
        RequireAll(json, path, "up_block_types", "UpDecoderBlock2D");

        var defaults = new AutoencoderKLConfig();
        var config = new AutoencoderKLConfig
        {
            InChannels = Int(json, "in_channels") ?? defaults.InChannels,
            OutChannels = Int(json, "out_channels") ?? defaults.OutChannels,
            LatentChannels = Int(json, "latent_channels") ?? defaults.LatentChannels,
            BlockOutChannels = json["block_out_channels"] is JsonArray blocks ? [.. blocks.Select(b => b!.GetValue<int>())] : defaults.BlockOutChannels,
            LayersPerBlock = Int(json, "layers_per_block") ?? defaults.LayersPerBlock,
            NormNumGroups = Int(json, "norm_num_groups") ?? defaults.NormNumGroups,
            ScalingFactor = json["scaling_factor"] is JsonValue scale ? scale.GetValue<double>() : defaults.ScalingFactor,
            ShiftFactor = json["shift_factor"] is JsonValue shift ? shift.GetValue<double>() : null,
            UseQuantConv = json["use_quant_conv"] is JsonValue q ? q.GetValue<bool>() : true,
            UsePostQuantConv = json["use_post_quant_conv"] is JsonValue pq ? pq.GetValue<bool>() : true,
            MidBlockAddAttention = json["mid_block_add_attention"] is JsonValue a ? a.GetValue<bool>() : true,
        };
        if (json["down_block_types"] is JsonArray down && down.Count != config.BlockOutChannels.Count)
            throw new InvalidDataException($"{path}: down_block_types has {down.Count} entries but block_out_channels {config.BlockOutChannels.Count}.");
        config.Validate();
        return config;
    }

    /// <summary>This config as a diffusers <c>config.json</c> (what <see cref="FromDiffusersJson"/> reads).</summary>
    public string ToDiffusersJson()
    {
        var json = new JsonObject
        {
            ["_class_name"] = "AutoencoderKL",
            ["act_fn"] = "silu",
            ["in_channels"] = InChannels,
            ["out_channels"] = OutChannels,
            ["latent_channels"] = LatentChannels,
            ["block_out_channels"] = new JsonArray([.. BlockOutChannels.Select(c => (JsonNode)c)]),
            ["down_block_types"] = new JsonArray([.. BlockOutChannels.Select(_ => (JsonNode)"DownEncoderBlock2D")]),
            ["up_block_types"] = new JsonArray([.. BlockOutChannels.Select(_ => (JsonNode)"UpDecoderBlock2D")]),
            ["layers_per_block"] = LayersPerBlock,
            ["norm_num_groups"] = NormNumGroups,
            ["scaling_factor"] = ScalingFactor,
            ["shift_factor"] = ShiftFactor is { } s ? JsonValue.Create(s) : null,
            ["use_quant_conv"] = UseQuantConv,
            ["use_post_quant_conv"] = UsePostQuantConv,
            ["mid_block_add_attention"] = MidBlockAddAttention,
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A one-line description for logs and cache headers.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"AutoencoderKL(in {InChannels}, out {OutChannels}, latent {LatentChannels}, blocks [{string.Join(", ", BlockOutChannels)}], layers {LayersPerBlock}, groups {NormNumGroups}, scale {ScalingFactor}, shift {ShiftFactor?.ToString(CultureInfo.InvariantCulture) ?? "none"})");

    static int? Int(JsonObject json, string key) => json[key] is JsonValue value ? value.GetValue<int>() : null;

    static void RequireAll(JsonObject json, string path, string key, string expected)
    {
        if (json[key] is not JsonArray types) return;
        foreach (var type in types)
            if (type?.GetValue<string>() != expected)
                throw new InvalidDataException($"{path}: {key} contains '{type}'; this AutoencoderKL implements only {expected}.");
    }
}
