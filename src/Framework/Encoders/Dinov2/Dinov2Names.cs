namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// Parameter names of Hugging Face's <c>Dinov2Model</c> state dict (the dinov2-small/base/large/giant safetensors),
/// which the modules of <see cref="Dinov2Vit"/> register under, so its <c>state_dict()</c> uses the same names.
/// </summary>
public static class Dinov2Names
{
    /// <summary>The CLS token (1, 1, hidden).</summary>
    public const string ClsToken = "embeddings.cls_token";
    /// <summary>The mask token (1, hidden) of masked pre-training: in the published files, unused by the forward pass.</summary>
    public const string MaskToken = "embeddings.mask_token";
    /// <summary>The position table (1, 1 + grid², hidden), CLS position first.</summary>
    public const string PositionEmbeddings = "embeddings.position_embeddings";
    /// <summary>The patch-embedding convolution (hidden, channels, patch, patch), with its bias.</summary>
    public const string PatchProjection = "embeddings.patch_embeddings.projection";
    /// <summary>The final LayerNorm.</summary>
    public const string FinalNorm = "layernorm";

    /// <summary>The prefix of layer <paramref name="index"/> (0-based): <c>encoder.layer.N</c>.</summary>
    public static string Layer(int index) => $"encoder.layer.{index}";

    /// <summary>Names a file may hold that the forward pass does not read.</summary>
    public static IReadOnlySet<string> Unused { get; } = new HashSet<string> { MaskToken };
}
