using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation.Inception;

/// <summary>
/// The Inception-v3 of pytorch-fid's <c>fid_inception_v3()</c> up to the 2048-d global average pool, with its
/// parameter names (<c>Conv2d_1a_3x3.conv.weight</c> … <c>Mixed_7c.branch_pool.bn.running_var</c>), so the state
/// dict of pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c> loads directly, minus its <c>fc.*</c> logits
/// layer, which FID does not use and this module does not have. Input: (B, 3, 299, 299); output (B, 2048).
/// </summary>
public sealed class FidInceptionV3 : nn.Module<Tensor, Tensor>
{
    /// <summary>The pool-feature dimension.</summary>
    public const int FeatureDimension = 2048;

    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly InceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly InceptionE Mixed_7b, Mixed_7c;

    /// <summary>Builds the network with TorchSharp's default initialisation (real use loads weights afterwards).</summary>
    public FidInceptionV3() : base(nameof(FidInceptionV3))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new InceptionA(192, 32);
        Mixed_5c = new InceptionA(256, 64);
        Mixed_5d = new InceptionA(288, 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new InceptionC(768, 128);
        Mixed_6c = new InceptionC(768, 160);
        Mixed_6d = new InceptionC(768, 160);
        Mixed_6e = new InceptionC(768, 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new InceptionE(1280, maxPool: false);
        Mixed_7c = new InceptionE(2048, maxPool: true);
        RegisterComponents();
        eval();
    }

    /// <summary>(B, 3, 299, 299) → (B, 2048) pool features. Each stage runs in its own dispose scope to bound memory.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = Stage(x, t => InceptionPools.Max3x3(Conv2d_2b_3x3.forward(Conv2d_2a_3x3.forward(Conv2d_1a_3x3.forward(t))), stride: 2));
        x = Stage(x, t => InceptionPools.Max3x3(Conv2d_4a_3x3.forward(Conv2d_3b_1x1.forward(t)), stride: 2));
        foreach (var block in new nn.Module<Tensor, Tensor>[] { Mixed_5b, Mixed_5c, Mixed_5d, Mixed_6a, Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e, Mixed_7a, Mixed_7b, Mixed_7c })
            x = Stage(x, block.forward);
        return x.mean([2, 3]).MoveToOuterDisposeScope();
    }

    private static Tensor Stage(Tensor x, Func<Tensor, Tensor> stage)
    {
        using var scope = NewDisposeScope();
        return stage(x).MoveToOuterDisposeScope();
    }
}
