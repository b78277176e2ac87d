using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Jump sampler for two-time models (MeanFlow): x_next = x + (t_next − t)·u(x, t, r = t_next), the average velocity
/// over the whole step, so a model that knows its flow map lands exactly in one step. Guidance applies to u
/// (the reference ignored it here); the guide model must be a two-time model too.
/// </summary>
public sealed class EulerJump(int steps, TimeGrid? grid = null) : CapabilitySampler<ITwoTimeModel>(steps, grid)
{
    /// <inheritdoc />
    public override Tensor Forward(SamplingRun run, int step, Tensor x)
    {
        double t = run.Grid[step], next = run.Grid[step + 1];
        var times = run.Times(t);
        var targets = run.Times(next);
        var jump = run.Guidance.Evaluate((model, cond) => ((ITwoTimeModel)model).Pred(x, times, targets, cond), t);
        return x + (next - t) * jump;
    }
}
