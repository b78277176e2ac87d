using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks.Autoencoders;

/// <summary>
/// diffusers' <c>DownEncoderBlock2D</c>: <c>layers</c> resnets (the first changes the width) and, except
/// at the last level, a <see cref="Downsample2D"/>.
/// <para>State names: <c>resnets.j</c>, <c>downsamplers.0.conv</c>.</para>
/// </summary>
public sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D> downsamplers;

    public DownEncoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool downsample) : base(nameof(DownEncoderBlock2D))
    {
        resnets = nn.ModuleList([.. Enumerable.Range(0, layers).Select(j => new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, groups))]);
        downsamplers = downsample ? nn.ModuleList(new Downsample2D(outChannels)) : nn.ModuleList<Downsample2D>();
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets) x = resnet.forward(x);
        foreach (var down in downsamplers) x = down.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// diffusers' <c>UpDecoderBlock2D</c>: <c>layers</c> resnets (layers_per_block + 1; the first changes the
/// width) and, except at the last level, an <see cref="Upsample2D"/>.
/// <para>State names: <c>resnets.j</c>, <c>upsamplers.0.conv</c>.</para>
/// </summary>
public sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D> upsamplers;

    public UpDecoderBlock2D(int inChannels, int outChannels, int layers, int groups, bool upsample) : base(nameof(UpDecoderBlock2D))
    {
        resnets = nn.ModuleList([.. Enumerable.Range(0, layers).Select(j => new ResnetBlock2D(j == 0 ? inChannels : outChannels, outChannels, groups))]);
        upsamplers = upsample ? nn.ModuleList(new Upsample2D(outChannels)) : nn.ModuleList<Upsample2D>();
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets) x = resnet.forward(x);
        foreach (var up in upsamplers) x = up.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
