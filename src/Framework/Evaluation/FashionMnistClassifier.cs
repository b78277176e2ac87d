using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation;

/// <summary>
/// A small CNN for Fashion-MNIST (32×32 padded, [−1, 1]): a 4×4/stride-4 patch convolution to 64 channels (8×8),
/// a 2×2/stride-2 convolution to 128 channels (4×4), a 128-unit hidden layer and 10 logits, ReLU between. The 128
/// post-ReLU hidden units are the feature space of <see cref="FashionMnistFeatureNet"/>: a classifier's penultimate
/// layer responds to class-relevant structure, which is what makes an FD in it meaningful. Non-overlapping kernels
/// keep the arithmetic small (~1 M multiply-adds per image). Measured on the shared 2-core machine: a 3×3-conv/max-pool
/// CNN took 0.65 s per step of batch 128, this one still ~0.3 s per step of batch 64 — the step time looks dominated by
/// per-step overhead or thread contention rather than arithmetic; not yet profiled.
/// </summary>
public sealed class FashionMnistClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>The feature dimension.</summary>
    public const int FeatureDimension = 128;

    private readonly Conv2d conv1, conv2;
    private readonly Linear hidden, head;

    /// <summary>Initialises every weight and bias U(±1/sqrt(fan_in)) (PyTorch's default rule) from <paramref name="generator"/>.</summary>
    public FashionMnistClassifier(Generator generator) : base(nameof(FashionMnistClassifier))
    {
        conv1 = nn.Conv2d(1, 64, 4, stride: 4);
        conv2 = nn.Conv2d(64, 128, 2, stride: 2);
        hidden = nn.Linear(128 * 4 * 4, FeatureDimension);
        head = nn.Linear(FeatureDimension, 10);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var (weight, bias) in new (Tensor, Tensor?)[] { (conv1.weight!, conv1.bias), (conv2.weight!, conv2.bias), (hidden.weight!, hidden.bias), (head.weight!, head.bias) })
        {
            double a = 1.0 / Math.Sqrt(weight.numel() / weight.shape[0]);
            weight.uniform_(-a, a, generator);
            bias?.uniform_(-a, a, generator);
        }
    }

    /// <summary>Images (B, 1, 32, 32) → features (B, 128).</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = nn.functional.relu(conv1.forward(x));
        x = nn.functional.relu(conv2.forward(x));
        return nn.functional.relu(hidden.forward(x.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <summary>Images (B, 1, 32, 32) → logits (B, 10).</summary>
    public override Tensor forward(Tensor x) => head.forward(Features(x));
}
