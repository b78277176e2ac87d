using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>PyTorch's default initialisation of the VAE's layers, drawn from a generator so one seed gives the same VAE in any process.</summary>
internal static class VaeInit
{
    /// <summary>Conv and Linear: weight and bias U(±1/√fan_in) (kaiming_uniform with a = √5); GroupNorm: weight 1, bias 0.</summary>
    public static void PyTorchDefaults(nn.Module module, Generator generator)
    {
        using var noGradient = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    Uniform(conv.weight!, conv.bias, generator);
                    break;
                case Linear linear:
                    SeededInit.LinearDefault(linear, generator);
                    break;
                case GroupNorm norm:
                    norm.weight!.fill_(1);
                    norm.bias!.zero_();
                    break;
            }
        }
    }

    static void Uniform(Tensor weight, Tensor? bias, Generator generator)
    {
        double a = 1.0 / Math.Sqrt(weight.numel() / weight.shape[0]);
        weight.uniform_(-a, a, generator);
        bias?.uniform_(-a, a, generator);
    }
}
