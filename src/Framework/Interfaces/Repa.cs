using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>REPA settings, with the reference's defaults (dit_imagenet_repa), declared once: the experiments' flat Training.RepaSettings extends this record.</summary>
public record RepaOptions
{
    /// <summary>Weight of the alignment term: loss = diffusion + LossWeight·repa.</summary>
    public double LossWeight { get; init; } = 0.5;
    /// <summary>The block (1-based) whose features are aligned.</summary>
    public int Depth { get; init; } = 4;
    /// <summary>Width of the projector MLP.</summary>
    public int ProjectionDim { get; init; } = 2048;

    /// <summary>Throws an error naming the bad option and its range.</summary>
    public void Validate()
    {
        if (!(LossWeight >= 0 && double.IsFinite(LossWeight)))
            throw new ArgumentOutOfRangeException(nameof(LossWeight), LossWeight, $"RepaOptions.LossWeight must be a finite number ≥ 0 (got {LossWeight}).");
        if (Depth < 1) throw new ArgumentOutOfRangeException(nameof(Depth), Depth, $"RepaOptions.Depth must be ≥ 1 (a 1-based block index; got {Depth}).");
        if (ProjectionDim < 1) throw new ArgumentOutOfRangeException(nameof(ProjectionDim), ProjectionDim, $"RepaOptions.ProjectionDim must be ≥ 1 (got {ProjectionDim}).");
    }
}

/// <summary>
/// REPA (Yu et al. 2025) around any interface: the network's block-<c>Depth</c> token features, through a projector
/// MLP (Linear → SiLU → Linear → SiLU → Linear), are pulled towards a frozen encoder's features of the clean data by
/// a per-token cosine loss: loss = diffusion + LossWeight·mean_flat(−cos). The encoder sees the clean data x, or, in
/// latent diffusion, the raw images the training context carries beside the latents
/// (<see cref="TrainingContext.EncoderInput"/>). Pred and score are the inner interface's, so sampling
/// <see cref="Inner"/> (needed for two-time samplers) gives the same result.
/// Loss keys: "loss", "diffusion_loss", "repa_loss". When the encoder's token grid differs from the network's, the
/// encoder features are resized bilinearly to the network's grid.
/// </summary>
public sealed class Repa<TInterface> : Interface, IHasScore, IHasTrainableModule where TInterface : Interface, IHasScore
{
    readonly IFeatureNetwork network;

    /// <summary>Wraps <paramref name="inner"/>; its network must return block features.</summary>
    public Repa(TInterface inner, IFeatureEncoder encoder, RepaOptions? options = null) : base(inner)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        (options ??= new RepaOptions()).Validate();
        network = inner.Network as IFeatureNetwork ?? throw new ArgumentException(
            $"REPA needs a network that returns block features ({nameof(IFeatureNetwork)}); {inner.Network.GetType().Name} does not.", nameof(inner));
        if (inner.Network is not nn.Module networkModule)
            throw new ArgumentException($"REPA trains a projector next to the network, so the network must be a TorchSharp module; {inner.Network.GetType().Name} is not.", nameof(inner));
        (Inner, Encoder, Options) = (inner, encoder, options);
        network.ReturnFeatures = true;
        Projector = nn.Sequential(
            ("0", nn.Linear(network.HiddenSize, options.ProjectionDim)), ("1", nn.SiLU()),
            ("2", nn.Linear(options.ProjectionDim, options.ProjectionDim)), ("3", nn.SiLU()),
            ("4", nn.Linear(options.ProjectionDim, encoder.FeatureDim)));
        Projector.to(DType).to(Device);
        TrainableModule = new RepaModule(networkModule, Projector);
    }

    /// <summary>The wrapped interface.</summary>
    public TInterface Inner { get; }
    /// <summary>The frozen feature encoder.</summary>
    public IFeatureEncoder Encoder { get; }
    /// <summary>The validated options.</summary>
    public RepaOptions Options { get; }
    /// <summary>The projector MLP from the network's width to the encoder's.</summary>
    public Sequential Projector { get; }
    /// <inheritdoc />
    public nn.Module TrainableModule { get; }

    /// <inheritdoc />
    public override Tensor CIn(Tensor t) => Inner.CIn(t);
    /// <inheritdoc />
    public override Tensor COut(Tensor t) => Inner.COut(t);
    /// <inheritdoc />
    public override Tensor CSkip(Tensor t) => Inner.CSkip(t);
    /// <inheritdoc />
    public override Tensor CNoise(Tensor t) => Inner.CNoise(t);
    /// <inheritdoc />
    public override Tensor SampleT(params long[] shape) => Inner.SampleT(shape);
    /// <inheritdoc />
    public override Tensor SampleN(params long[] shape) => Inner.SampleN(shape);
    /// <inheritdoc />
    public override Tensor SampleXt(Tensor x, Tensor n, Tensor t) => Inner.SampleXt(x, n, t);
    /// <inheritdoc />
    public override Tensor Target(Tensor x, Tensor n, Tensor t) => Inner.Target(x, n, t);
    /// <inheritdoc />
    public override Tensor Pred(Tensor xt, Tensor t, Conditioning? cond = null) => Inner.Pred(xt, t, cond);
    /// <summary>The inner interface's path, so every sampler the inner interface allows works on the wrapper.</summary>
    public override AffinePath? Path => Inner.Path;
    /// <inheritdoc />
    public override PredictionView View => Inner.View;
    /// <inheritdoc />
    public override Tensor Score(Tensor xt, Tensor t, Conditioning? cond = null) => Inner.Score(xt, t, cond);

    /// <inheritdoc />
    public override LossOutput Loss(Tensor x, Conditioning? cond = null) => Loss(x, cond, TrainingContext.Finished);

    /// <summary>
    /// The inner loss at <paramref name="context"/>'s step plus the alignment term; the encoder sees
    /// <see cref="TrainingContext.EncoderInput"/> (the raw images beside latents) when the batch has it, else x.
    /// </summary>
    public override LossOutput Loss(Tensor x, Conditioning? cond, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EncoderInput is { } images && images.shape[0] != x.shape[0])
            throw new ArgumentException($"REPA's encoder input holds {images.shape[0]} images for a batch of {x.shape[0]} samples; they must be the same samples, row for row.", nameof(context));
        var diffusion = Inner.Loss(x, cond, context);
        if (diffusion.Features.Count < Options.Depth)
            throw new InvalidOperationException($"REPA aligns block {Options.Depth}, but the network returned {diffusion.Features.Count} block features.");
        var hidden = diffusion.Features[Options.Depth - 1];
        var projected = Projector.forward(hidden);
        Tensor target;
        using (no_grad()) target = ToTokenGrid(Encoder.Encode(context.EncoderInput ?? x), hidden.shape[1]);
        var cosine = nn.functional.normalize(projected, dim: -1).mul(nn.functional.normalize(target, dim: -1)).sum(-1);
        var repa = MeanFlat(-cosine);
        var terms = new Dictionary<string, Tensor>
        {
            [LossOutput.LossKey] = diffusion.Loss + Options.LossWeight * repa,
            ["diffusion_loss"] = diffusion.Loss,
            ["repa_loss"] = repa,
        };
        return new LossOutput(terms, diffusion.NetworkOutput, diffusion.Features);
    }

    /// <summary>Resizes encoder tokens (B, Te, F) on a square grid to <paramref name="tokens"/> tokens, bilinearly.</summary>
    static Tensor ToTokenGrid(Tensor features, long tokens)
    {
        long encoderTokens = features.shape[1];
        if (encoderTokens == tokens) return features;
        long from = Side(encoderTokens), to = Side(tokens);
        var grid = features.transpose(1, 2).reshape(features.shape[0], features.shape[2], from, from);
        var resized = nn.functional.interpolate(grid, [to, to], mode: InterpolationMode.Bilinear, align_corners: false);
        return resized.flatten(2).transpose(1, 2);
    }

    static long Side(long tokens)
    {
        long side = (long)Math.Round(Math.Sqrt(tokens));
        return side * side == tokens ? side
            : throw new InvalidOperationException($"REPA resizes token grids that are square; {tokens} tokens are not a square number.");
    }

    /// <summary>The network and the projector in one module, so optimizer, EMA and checkpoints cover both.</summary>
    sealed class RepaModule : nn.Module
    {
        readonly nn.Module network;
        readonly Sequential projector;

        public RepaModule(nn.Module network, Sequential projector) : base("repa")
        {
            (this.network, this.projector) = (network, projector);
            RegisterComponents();
        }
    }
}
