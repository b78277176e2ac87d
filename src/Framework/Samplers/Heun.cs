using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Heun's second-order method: predictor x̃ = x + h·d(x, t), corrector x_next = x + h/2·(d(x, t) + d(x̃, t_next)).
/// The corrector evaluates the (guided) model at the predicted point x̃; the reference reused d(x, t) there, which
/// made its "Heun" a first-order Euler. The last step is Euler (the final point, σ = 0 for EDM, can be singular).
/// </summary>
public sealed class Heun(int steps, TimeGrid? grid = null) : Sampler(steps, grid)
{
    /// <inheritdoc />
    public override Tensor Forward(SamplingRun run, int step, Tensor x)
    {
        double t = run.Grid[step], next = run.Grid[step + 1], h = next - t;
        var slope = run.Predict(x, t);
        var predicted = x.add(slope, h);
        var corrected = run.Predict(predicted, next);
        return x.add(slope + corrected, h / 2);
    }

    /// <summary>One Euler step.</summary>
    public override Tensor LastStep(SamplingRun run, int step, Tensor x) => EulerStep(run, step, x);
}
