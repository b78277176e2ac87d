using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// Jump sampler for two-time models (MeanFlow): x_next = x + (t_next − t)·u(x, t, r = t_next), the average velocity
/// over the whole step, so a model that knows its flow map lands exactly in one step. Guidance applies to u
/// (the reference ignored it here); the guide model must be a two-time model too.
/// </summary>
public sealed class EulerJump(int steps, TimeGrid? grid = null) : Sampler(steps, grid)
{
    /// <summary>The typed entry point: a model that is not an <see cref="ITwoTimeModel"/> does not compile.</summary>
    public Tensor Sample<TModel>(TModel model, Tensor x, SampleOptions? options = null) where TModel : Interface, ITwoTimeModel =>
        base.Sample(model, x, options);

    /// <summary>
    /// Hides the untyped entry point where the sampler's type is known, so that passing a model whose static type is
    /// not an <see cref="ITwoTimeModel"/> is a compile error. Through a <see cref="Sampler"/> reference the call is
    /// checked at run time instead, before any work.
    /// </summary>
    [Obsolete("EulerJump needs a model implementing ITwoTimeModel (for example MeanFlowInterface); this model's static type does not. " +
              "Call through a Sampler reference to defer the check to run time.", error: true)]
    public new Tensor Sample(Interface model, Tensor x, SampleOptions? options = null) => base.Sample(model, x, options);

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options)
    {
        RequireCapability<ITwoTimeModel>(model);
        if (options.GuideModel is { } guide && options.GuidanceScale != 1.0) RequireCapability<ITwoTimeModel>(guide, "guide model");
    }

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
