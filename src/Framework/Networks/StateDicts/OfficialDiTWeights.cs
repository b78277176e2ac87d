using System.Globalization;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Research.Framework.Networks.StateDicts;

/// <summary>
/// The state dicts of the official PyTorch DiT (facebookresearch/DiT <c>models.py</c>) and SiT (willisma/SiT, the same
/// modules) in our <see cref="DiT"/>. The computations are the same (adaLN chunk order shift, scale, gate for attention
/// then MLP; LayerNorm ε 1e-6 without affine; tanh GELU; cos-then-sin timestep features; MAE sin-cos positions; the
/// patch vector ordered (p_row, p_col, c)), so the mapping is a renaming plus three reshapes:
/// <list type="bullet">
/// <item><c>x_embedder.proj.*</c> (timm's PatchEmbed) is our <c>x_embedder.*</c>;</item>
/// <item>an unfused attention (<c>attn.q</c>, <c>attn.k</c>, <c>attn.v</c>) is concatenated into our fused <c>attn.qkv</c> in
/// q, k, v order (timm's fused layout);</item>
/// <item>learn_sigma (the default of both repositories: <c>final_layer.linear</c> emits 2C channels per pixel, the
/// prediction then the variance) keeps the rows of the first C channels, so our output is the official output's first C
/// channels exactly: what SiT returns, and DiT's ε (its variance channels are dropped);</item>
/// <item>a label table without the null row (a model trained with class_dropout_prob 0) gets a zero null row, so the
/// null label embeds nothing.</item>
/// </list>
/// <c>pos_embed</c> (a frozen parameter there, a buffer here) is loaded as it is. The head count is not in the shapes: it is
/// the experiment's setting (<see cref="HeadsOf"/> gives the paper's for a preset width).
/// </summary>
public static class OfficialDiTWeights
{
    /// <summary>What the shapes of an official state dict say about the model.</summary>
    public sealed record Shape(int InputSize, int PatchSize, int InChannels, int OutChannels, int HiddenSize, int Depth,
        int MlpHidden, int FrequencyEmbedSize, int? LabelRows)
    {
        /// <summary>Whether the final layer also predicts the variance (2C output channels).</summary>
        public bool LearnSigma => OutChannels == 2 * InChannels;
    }

    static readonly Regex BlockName = new(@"^blocks\.(\d+)\.", RegexOptions.CultureInvariant);

    /// <summary>Reads the shape from the tensors; a key the shape needs that is absent or of the wrong rank is an error naming it.</summary>
    public static Shape Infer(IReadOnlyDictionary<string, Tensor> official, string origin)
    {
        long[] Need(string name, int rank)
        {
            if (!official.TryGetValue(name, out var t)) throw new ArgumentException($"{origin} has no {name}: it is not an official DiT/SiT state dict (keys like {string.Join(", ", official.Keys.Order().Take(4))}).");
            if (t.ndim != rank) throw new ArgumentException($"{origin}: {name} is [{string.Join(", ", t.shape)}]; an official DiT has rank {rank} there.");
            return t.shape;
        }
        var patch = Need("x_embedder.proj.weight", 4);               // (D, C, p, p)
        var positions = Need("pos_embed", 3);                         // (1, L, D)
        var time = Need("t_embedder.mlp.0.weight", 2);                // (D, F)
        var final = Need("final_layer.linear.weight", 2);             // (p²·C_out, D)
        int depth = official.Keys.Select(k => BlockName.Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max();
        var mlp = depth > 0 ? Need("blocks.0.mlp.fc1.weight", 2) : [4 * patch[0], patch[0]];
        long side = (long)Math.Round(Math.Sqrt(positions[1]));
        if (side * side != positions[1]) throw new ArgumentException($"{origin}: pos_embed has {positions[1]} tokens, not a square grid.");
        long p = patch[2], c = patch[1];
        if (final[0] % (p * p) != 0) throw new ArgumentException($"{origin}: final_layer.linear.weight has {final[0]} rows, not a multiple of p² = {p * p}.");
        long outChannels = final[0] / (p * p);
        if (outChannels != c && outChannels != 2 * c)
            throw new ArgumentException($"{origin}: final_layer.linear emits {outChannels} channels per pixel; an official DiT emits C = {c} or 2C = {2 * c} (learn_sigma).");
        int? labelRows = official.TryGetValue("y_embedder.embedding_table.weight", out var table) ? (int)table.shape[0] : null;
        return new Shape((int)(side * p), (int)p, (int)c, (int)outChannels, (int)patch[0], depth, (int)mlp[0], (int)time[1], labelRows);
    }

    /// <summary>The paper's head count for a preset width (S 384 → 6, B 768 → 12, L 1024 and XL 1152 → 16), else null.</summary>
    public static int? HeadsOf(int hiddenSize) => hiddenSize switch { 384 => 6, 768 => 12, 1024 => 16, 1152 => 16, _ => null };

    /// <summary>
    /// The options of the DiT these weights describe: the shapes, <paramref name="numHeads"/> (or the paper's for the width),
    /// the classes as the table's rows less the null row, no dt and no log-variance head.
    /// </summary>
    public static DiTOptions OptionsOf(Shape shape, int? numHeads = null, string origin = "the weights")
    {
        ArgumentNullException.ThrowIfNull(shape);
        int heads = numHeads ?? HeadsOf(shape.HiddenSize)
            ?? throw new ArgumentException($"{origin}: the head count of a width-{shape.HiddenSize} DiT is not in its shapes; give it (the paper's widths 384, 768, 1024, 1152 have 6, 12, 16, 16).");
        return new DiTOptions
        {
            InputSize = shape.InputSize, PatchSize = shape.PatchSize, InChannels = shape.InChannels, HiddenSize = shape.HiddenSize,
            Depth = shape.Depth, NumHeads = heads, MlpRatio = (double)shape.MlpHidden / shape.HiddenSize,
            FrequencyEmbedSize = shape.FrequencyEmbedSize, NumClasses = shape.LabelRows - 1,
        };
    }

    /// <summary>
    /// Every way <paramref name="options"/> differs from what the file holds, as "Setting: file X, experiment Y" (the
    /// setting names are DiTOptions' and the experiments' Network.* ones); empty when the weights fit.
    /// </summary>
    public static IReadOnlyList<string> Mismatches(Shape shape, DiTOptions options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Compare<T>(string setting, T file, T ours)
        {
            if (!EqualityComparer<T>.Default.Equals(file, ours)) problems.Add($"{setting}: file {Text(file)}, experiment {Text(ours)}");
        }
        Compare(nameof(DiTOptions.InputSize), shape.InputSize, options.InputSize);
        Compare(nameof(DiTOptions.PatchSize), shape.PatchSize, options.PatchSize);
        Compare(nameof(DiTOptions.InChannels), shape.InChannels, options.InChannels);
        Compare(nameof(DiTOptions.HiddenSize), shape.HiddenSize, options.HiddenSize);
        Compare(nameof(DiTOptions.Depth), shape.Depth, options.Depth);
        Compare($"{nameof(DiTOptions.MlpRatio)} (MLP width)", shape.MlpHidden, options.MlpHidden);
        Compare(nameof(DiTOptions.FrequencyEmbedSize), shape.FrequencyEmbedSize, options.FrequencyEmbedSize);
        // K classes fit a table of K + 1 rows (with the null row) or K rows (trained without label dropout).
        bool labelsFit = (shape.LabelRows, options.NumClasses) switch
        {
            (null, null) => true,
            (int rows, int k) => rows == k + 1 || rows == k,
            _ => false,
        };
        if (!labelsFit) problems.Add($"{nameof(DiTOptions.NumClasses)}: file {(shape.LabelRows is int r ? $"{r - 1} (a table of {r} rows with the null row)" : "null (no label table)")}, experiment {Text(options.NumClasses)}");
        if (options.TakeDt) problems.Add($"{nameof(DiTOptions.TakeDt)}: the official DiT takes no dt, experiment true");
        if (options.LogVarianceHead) problems.Add($"{nameof(DiTOptions.LogVarianceHead)}: the official DiT has no log-variance head, experiment true");
        return problems;
    }

    static string Text<T>(T value) => value switch { null => "null", IFormattable f => f.ToString(null, CultureInfo.InvariantCulture), _ => value.ToString() ?? "" };

    /// <summary>
    /// The official tensors renamed and reshaped into our DiT's state (names of <see cref="DiT"/>), for a model built with
    /// <paramref name="options"/>; keys it does not know pass through unchanged (the strict copy then names them).
    /// </summary>
    public static Dictionary<string, Tensor> ToOurs(IReadOnlyDictionary<string, Tensor> official, DiTOptions options)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(options);
        var ours = new Dictionary<string, Tensor>();
        var unfused = new Dictionary<string, Tensor>();
        foreach (var (name, value) in official)
        {
            if (Regex.IsMatch(name, @"^blocks\.\d+\.attn\.[qkv]\.(weight|bias)$", RegexOptions.CultureInvariant)) unfused[name] = value;
            else ours[OurName(name)] = value;
        }
        foreach (var group in unfused.GroupBy(kv => Regex.Replace(kv.Key, @"\.[qkv]\.", ".qkv.", RegexOptions.CultureInvariant)))
        {
            var parts = "qkv".Select(letter => group.Key.Replace(".qkv.", $".{letter}.", StringComparison.Ordinal)).ToArray();
            var missing = parts.Where(p => !unfused.ContainsKey(p)).ToArray();
            if (missing.Length > 0) throw new ArgumentException($"an unfused attention needs q, k and v; missing {string.Join(", ", missing)}.");
            ours[group.Key] = cat(parts.Select(p => unfused[p]).ToArray(), 0);
        }

        int p = options.PatchSize, c = options.InChannels;
        foreach (var suffix in new[] { "weight", "bias" })
        {
            // learn_sigma: rows are (p_row, p_col, channel) with 2C channels; keep the first C of each pixel.
            if (ours.TryGetValue($"final_layer.linear.{suffix}", out var linear) && linear.shape[0] == 2L * p * p * c)
            {
                var perPixel = linear.reshape([p * p, 2 * c, .. linear.shape[1..]]);
                ours[$"final_layer.linear.{suffix}"] = perPixel[.., ..c].reshape([p * p * c, .. linear.shape[1..]]);
            }
        }
        if (options.NumClasses is int k && ours.TryGetValue("y_embedder.embedding_table.weight", out var table) && table.shape[0] == k)
            ours["y_embedder.embedding_table.weight"] = cat([table, zeros(1, table.shape[1], table.dtype)], 0);
        return ours;
    }

    /// <summary>Our name of an official key (the inverse of <see cref="OfficialName"/>).</summary>
    public static string OurName(string official) => official.StartsWith("x_embedder.proj.", StringComparison.Ordinal) ? "x_embedder." + official["x_embedder.proj.".Length..] : official;

    /// <summary>The official name of one of our keys, for messages and for exporting in the official naming.</summary>
    public static string OfficialName(string ours) => ours.StartsWith("x_embedder.", StringComparison.Ordinal) ? "x_embedder.proj." + ours["x_embedder.".Length..] : ours;

    /// <summary>
    /// Loads an official DiT/SiT weights file into <paramref name="network"/>: the shapes must fit its options (else an
    /// <see cref="ArgumentException"/> listing every difference with the file's values), then the strict copy names any
    /// missing, unexpected or mis-shaped tensor by its official name.
    /// </summary>
    public static void LoadInto(DiT network, StateDict file)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(file);
        using var scope = NewDisposeScope();
        var shape = Infer(file.Tensors, file.Origin);
        var mismatches = Mismatches(shape, network.Options);
        if (mismatches.Count > 0)
            throw new ArgumentException($"The DiT in {file.Origin} does not fit the experiment's network: {string.Join("; ", mismatches)}. Set those Network.* settings to the file's values.");
        StateDict.CopyInto(network, ToOurs(file.Tensors, network.Options), file.Origin, OfficialName);
    }

    /// <summary>A DiT built from an official weights file alone: its options from the shapes (heads as <see cref="OptionsOf"/>), then its weights.</summary>
    public static DiT Load(string path, int? numHeads = null)
    {
        using var file = StateDict.Read(path);
        var network = new DiT(OptionsOf(Infer(file.Tensors, file.Origin), numHeads, file.Origin));
        try
        {
            LoadInto(network, file);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
