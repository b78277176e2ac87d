using Research.Framework.Compute;
using Research.Framework.Interfaces;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// What the image transformers (DiT, LightningDiT) do before their blocks, each with its forward-mode rule: the input
/// checks (made before any native op sees the tensors, since a shape error inside some of them kills the process), the
/// tokens (a p×p stride-p patch convolution plus fixed positions) and the conditioning c = t_emb(t) [+ dt_emb(dt)] [+ y_emb(y)];
/// and how they run their blocks.
/// </summary>
internal static class TransformerStem
{
    /// <summary>Checks x (B, C, S, S), t (B), dt (B) where the model takes it and labels (B) where it has them; returns B.</summary>
    public static long Check(Tensor x, Tensor t, Conditioning cond, int channels, int side, bool takesDt, bool hasLabels)
    {
        ArgumentNullException.ThrowIfNull(cond);
        var (b, c, h, w) = Patches.Shape4(x, nameof(x));
        if (c != channels || h != side || w != side)
            throw new ArgumentException($"expected x (B, {channels}, {side}, {side}), got [{string.Join(", ", x.shape)}]", nameof(x));
        RequireVector(t, b, nameof(t));
        if (takesDt && cond.Dt is not null) RequireVector(cond.Dt, b, "cond.Dt");
        if (hasLabels && cond.Labels is not null) RequireVector(cond.Labels, b, "cond.Labels");
        return b;
    }

    /// <summary>Checks a tangent against its primals x and a batch of B.</summary>
    public static void CheckTangent(NetworkTangent tangent, Tensor x, long batch)
    {
        ArgumentNullException.ThrowIfNull(tangent);
        Tangents.RequireLike(tangent.X, x, "tangent.X");
        RequireVector(tangent.T, batch, "tangent.T");
        if (tangent.Dt is not null) RequireVector(tangent.Dt, batch, "tangent.Dt");
    }

    /// <summary>Throws unless <paramref name="v"/> is a vector of length <paramref name="batch"/>.</summary>
    public static void RequireVector(Tensor v, long batch, string name)
    {
        if (v.ndim != 1 || v.shape[0] != batch) throw new ArgumentException($"{name} must have shape ({batch}), got [{string.Join(", ", v.shape)}]", name);
    }

    /// <summary>Tokens (B, L, D): the patch convolution of x, row-major over the grid, plus the positions (1, L, D).</summary>
    public static Tensor Tokens(Conv2d embedder, Tensor positions, Tensor x) => embedder.forward(x).flatten(2).transpose(1, 2).Plus(positions);

    /// <summary><see cref="Tokens(Conv2d, Tensor, Tensor)"/> and its tangent: the convolution is linear (conv(dx) without bias), the positions constant.</summary>
    public static (Tensor Tokens, Tensor DTokens) Tokens(Conv2d embedder, Tensor positions, Tensor x, Tensor dx, int patchSize)
    {
        var tokens = Tokens(embedder, positions, x);
        using var _ = no_grad();
        return (tokens, nn.functional.conv2d(dx, embedder.weight!, strides: [patchSize, patchSize]).flatten(2).transpose(1, 2));
    }

    /// <summary>c = t_emb(t) [+ dt_emb(dt), dt null = zeros] [+ y_emb(labels), labels null = the null label]: (B, D).</summary>
    public static Tensor Conditioning(TimestepEmbedder time, TimestepEmbedder? jump, LabelEmbedder? labels, Tensor t, Conditioning cond, long batch, Device device)
    {
        var c = time.forward(t);
        if (jump is not null) c = c.Plus(jump.forward(cond.Dt ?? zeros_like(t)));
        return labels is null ? c : c.Plus(labels.Embed(cond.Labels, batch, device));
    }

    /// <summary><see cref="Conditioning(TimestepEmbedder, TimestepEmbedder?, LabelEmbedder?, Tensor, Interfaces.Conditioning, long, Device)"/> and its tangent: the time embedders' (labels have none).</summary>
    public static (Tensor C, Tensor Dc) Conditioning(TimestepEmbedder time, TimestepEmbedder? jump, LabelEmbedder? labels, Tensor t, Conditioning cond, NetworkTangent tangent, long batch, Device device)
    {
        var (c, dc) = time.ForwardWithTangent(t, tangent.T);
        if (jump is not null)
        {
            var (embedded, dEmbedded) = jump.ForwardWithTangent(cond.Dt ?? zeros_like(t), tangent.Dt);
            (c, dc) = (c.Plus(embedded), dc.Plus(dEmbedded));
        }
        return labels is null ? (c, dc) : (c.Plus(labels.Embed(cond.Labels, batch, device)), dc);
    }

    /// <summary>
    /// Runs the blocks in order, each in its own dispose scope (only its output survives: measured close to PyTorch's
    /// memory and speed on this machine, where one scope per step kept every intermediate alive until the step ended),
    /// and frees each block's input once the next block has run (<see cref="ReleaseConsumed"/>). Returns the last tokens
    /// and, when <paramref name="returnFeatures"/>, every block's output in block order (for REPA).
    /// </summary>
    public static (Tensor Tokens, List<Tensor>? Features) RunBlocks<TBlock>(IList<TBlock> blocks, Tensor tokens, bool returnFeatures, Func<TBlock, Tensor, Tensor> apply)
    {
        var features = returnFeatures ? new List<Tensor>(blocks.Count) : null;
        var input = tokens;
        foreach (var block in blocks)
        {
            var consumed = tokens;
            using (NewDisposeScope())
                tokens = apply(block, consumed).MoveToOuterDisposeScope();
            if (features is not null) features.Add(tokens);
            else ReleaseConsumed(consumed, input, tokens);
        }
        return (tokens, features);
    }

    /// <summary><see cref="RunBlocks{TBlock}(IList{TBlock}, Tensor, bool, Func{TBlock, Tensor, Tensor})"/> with the tokens' tangent carried through each block's rule.</summary>
    public static (Tensor Tokens, Tensor DTokens, List<Tensor>? Features) RunBlocks<TBlock>(IList<TBlock> blocks, Tensor tokens, Tensor dTokens,
        bool returnFeatures, Func<TBlock, Tensor, Tensor, (Tensor Y, Tensor DY)> apply)
    {
        var features = returnFeatures ? new List<Tensor>(blocks.Count) : null;
        var (input, dInput) = (tokens, dTokens);
        foreach (var block in blocks)
        {
            var (consumed, dConsumed) = (tokens, dTokens);
            using (NewDisposeScope())
            {
                var (y, dy) = apply(block, consumed, dConsumed);
                (tokens, dTokens) = (y.MoveToOuterDisposeScope(), dy.MoveToOuterDisposeScope());
            }
            ReleaseConsumed(dConsumed, dInput, dTokens);
            if (features is not null) features.Add(tokens);
            else ReleaseConsumed(consumed, input, tokens);
        }
        return (tokens, dTokens, features);
    }

    /// <summary>
    /// Frees a block's input once the next block has run: the outer dispose scope would otherwise hold every block's
    /// output until the whole forward pass ends (12 MiB a block for DiT-S/2 at batch 32), where PyTorch frees each as soon
    /// as it is consumed. The stem's own input belongs to the caller and stays; a graph that saved the tensor for the
    /// backward pass keeps its own reference, so only the handle goes.
    /// </summary>
    static void ReleaseConsumed(Tensor consumed, Tensor input, Tensor produced)
    {
        if (!ReferenceEquals(consumed, input) && !ReferenceEquals(consumed, produced)) consumed.Dispose();
    }
}
