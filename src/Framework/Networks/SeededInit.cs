using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// Initialisers that draw from a given <see cref="Generator"/>, never from the global torch RNG, so that one seed
/// gives bit-identical weights in any process (TorchSharp's own module initialisers use the global RNG).
/// </summary>
internal static class SeededInit
{
    /// <summary>
    /// Xavier-uniform on the weight flattened to (out, in·receptive), as the reference (and PyTorch DiT's
    /// <c>w.view(w.shape[0], -1)</c>) does for the patch-embedding kernel: a = sqrt(6 / (fan_in + fan_out)).
    /// </summary>
    public static void XavierUniform(Tensor weight, Generator generator)
    {
        long fanOut = weight.shape[0];
        long fanIn = weight.numel() / fanOut;
        double a = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var _ = no_grad();
        weight.uniform_(-a, a, generator);
    }

    /// <summary>The reference's rule for transformer Linears: Xavier-uniform weight, zero bias.</summary>
    public static void XavierUniform(TorchSharp.Modules.Linear linear, Generator generator)
    {
        XavierUniform(linear.weight!, generator);
        Zero(linear.bias);
    }

    /// <summary>N(0, std²), the reference's rule for time MLPs and label tables.</summary>
    public static void Normal(Tensor weight, double std, Generator generator)
    {
        using var _ = no_grad();
        weight.normal_(0, std, generator);
    }

    /// <summary>Zeros: biases and the adaLN-Zero modulation and output layers.</summary>
    public static void Zero(Tensor? tensor)
    {
        if (tensor is null) return;
        using var _ = no_grad();
        tensor.zero_();
    }

    /// <summary>PyTorch's default Linear rule, U(±1/sqrt(fan_in)) for weight and bias, drawn from the generator.</summary>
    public static void LinearDefault(TorchSharp.Modules.Linear linear, Generator generator)
    {
        double a = 1.0 / Math.Sqrt(linear.weight!.shape[1]);
        using var _ = no_grad();
        linear.weight.uniform_(-a, a, generator);
        linear.bias?.uniform_(-a, a, generator);
    }

    /// <summary>Copies every parameter and buffer of <paramref name="source"/> into <paramref name="target"/> (same structure).</summary>
    public static void CopyState(nn.Module source, nn.Module target)
    {
        using var _ = no_grad();
        var from = source.state_dict();
        foreach (var (name, tensor) in target.state_dict()) tensor.copy_(from[name]);
    }
}
