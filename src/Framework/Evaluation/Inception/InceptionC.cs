using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Evaluation.Inception;

/// <summary>pytorch-fid's FIDInceptionC (Mixed_6b–6e): factorised 7×7 branches with c7 channels → 768 channels.</summary>
internal sealed class InceptionC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5;
    private readonly BasicConv2d branch_pool;

    public InceptionC(long inChannels, long c7) : base(nameof(InceptionC))
    {
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = Row(c7, c7);
        branch7x7_3 = Column(c7, 192);
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = Column(c7, c7);
        branch7x7dbl_3 = Row(c7, c7);
        branch7x7dbl_4 = Column(c7, c7);
        branch7x7dbl_5 = Row(c7, 192);
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    private static BasicConv2d Row(long i, long o) => new(i, o, (1, 7), padding: (0, 3));

    private static BasicConv2d Column(long i, long o) => new(i, o, (7, 1), padding: (3, 0));

    public override Tensor forward(Tensor x) => cat(
    [
        branch1x1.forward(x),
        branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))),
        branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(branch7x7dbl_1.forward(x))))),
        branch_pool.forward(InceptionPools.Average3x3(x)),
    ], 1);
}
