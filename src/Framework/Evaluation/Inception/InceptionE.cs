using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation.Inception;

/// <summary>
/// pytorch-fid's FIDInceptionE_1 (Mixed_7b, average pool) and FIDInceptionE_2 (Mixed_7c, <b>max</b> pool — a bug
/// in the 2015 TF graph that FID keeps for comparability): 320 + 768 + 768 + 192 = 2048 channels.
/// </summary>
internal sealed class InceptionE : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b;
    private readonly BasicConv2d branch_pool;
    private readonly bool maxPool;

    public InceptionE(long inChannels, bool maxPool) : base(nameof(InceptionE))
    {
        this.maxPool = maxPool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var b3 = branch3x3_1.forward(x);
        var d3 = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        var pooled = maxPool ? InceptionPools.Max3x3(x, stride: 1, padding: 1) : InceptionPools.Average3x3(x);
        return cat(
        [
            branch1x1.forward(x),
            cat([branch3x3_2a.forward(b3), branch3x3_2b.forward(b3)], 1),
            cat([branch3x3dbl_3a.forward(d3), branch3x3dbl_3b.forward(d3)], 1),
            branch_pool.forward(pooled),
        ], 1);
    }
}
