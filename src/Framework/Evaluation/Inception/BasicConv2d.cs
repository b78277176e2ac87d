using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation.Inception;

/// <summary>
/// torchvision's BasicConv2d as pytorch-fid uses it: a bias-free convolution, BatchNorm with ε = 1e-3 (the TF
/// Inception value) on running statistics, then ReLU. State names <c>conv.weight</c>, <c>bn.{weight, bias,
/// running_mean, running_var, num_batches_tracked}</c>, exactly as in the pt_inception weight file.
/// </summary>
internal sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public BasicConv2d(long inChannels, long outChannels, (long, long) kernel, (long, long) stride = default, (long, long) padding = default)
        : base(nameof(BasicConv2d))
    {
        if (stride == default) stride = (1, 1);
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: 1e-3);
        RegisterComponents();
    }

    public BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public override Tensor forward(Tensor x) => nn.functional.relu(bn.forward(conv.forward(x)));
}
