using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>DINOv2's LayerScale: a learned per-channel gain <c>lambda1</c> on a residual branch.</summary>
public sealed class Dinov2LayerScale : Dinov2Module
{
    readonly Parameter lambda1;

    /// <summary>A gain of ones over <paramref name="hiddenSize"/> channels (the weights file sets it).</summary>
    public Dinov2LayerScale(int hiddenSize) : base(nameof(Dinov2LayerScale))
    {
        lambda1 = new Parameter(ones(hiddenSize));
        register_parameter("lambda1", lambda1);
    }

    /// <summary>x · lambda1 over the last axis.</summary>
    public override Tensor forward(Tensor x) => x * lambda1;
}
