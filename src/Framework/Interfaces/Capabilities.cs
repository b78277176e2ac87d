using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>An interface that can turn its prediction into the score ∇ log p_t(x_t) (needed by SDE samplers).</summary>
public interface IHasScore
{
    /// <summary>The score ∇ log p_t(x_t).</summary>
    Tensor Score(Tensor xt, Tensor t, Conditioning? cond = null);
}

/// <summary>An interface whose network takes two times and predicts the average velocity u(x_t, t, r) (jump samplers).</summary>
public interface ITwoTimeModel
{
    /// <summary>The average velocity over [r, t]: x_r = x_t − (t − r)·u.</summary>
    Tensor Pred(Tensor xt, Tensor t, Tensor r, Conditioning? cond = null);
}
