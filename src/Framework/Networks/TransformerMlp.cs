using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Networks;

/// <summary>
/// The transformer MLP: Linear(D → ⌊D·ratio⌋) → GELU (tanh approximation) → Linear(→ D); the reference's dropout
/// rates are always 0 and are left out. Init: Xavier-uniform weights, zero biases.
/// <para>State names: <c>fc1.weight</c>, <c>fc1.bias</c>, <c>fc2.weight</c>, <c>fc2.bias</c>.</para>
/// </summary>
public sealed class TransformerMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    public TransformerMlp(int hiddenSize, int mlpHidden, Generator generator) : base(nameof(TransformerMlp))
    {
        fc1 = nn.Linear(hiddenSize, mlpHidden);
        act = nn.GELU(GELU.Approximate.tanh);
        fc2 = nn.Linear(mlpHidden, hiddenSize);
        foreach (var linear in new[] { fc1, fc2 })
        {
            SeededInit.XavierUniform(linear.weight!, generator);
            SeededInit.Zero(linear.bias);
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => fc1.forward(x).Through(act.forward).Through(fc2.forward);

    /// <summary><see cref="forward"/> and its tangent: the chain of the two Linears' and GELU's rules (<see cref="Tangents"/>).</summary>
    public (Tensor Y, Tensor Dy) ForwardWithTangent(Tensor x, Tensor dx)
    {
        var (h, dh) = Tangents.Linear(fc1, x, dx);
        var (a, da) = Tangents.GeluTanh(act, h, dh);
        return Tangents.Linear(fc2, a, da);
    }
}
