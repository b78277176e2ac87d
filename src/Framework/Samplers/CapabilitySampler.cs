using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Samplers;

/// <summary>
/// A sampler that needs a capability of the model (<see cref="ITwoTimeModel"/> for <see cref="EulerJump"/>,
/// <see cref="IHasScore"/> for <see cref="EulerMaruyama"/>). Where the sampler's type is known, the typed entry point
/// takes only models with the capability and the untyped one is a compile error; through a <see cref="Sampler"/>
/// reference the model (and a guide model used for guidance) is checked at run time, before any work, with an error
/// naming the sampler, the capability and the model's type.
/// </summary>
public abstract class CapabilitySampler<TCapability>(int steps, TimeGrid? grid) : Sampler(steps, grid)
{
    /// <summary>The typed entry point: a model without <typeparamref name="TCapability"/> does not compile.</summary>
    public Tensor Sample<TModel>(TModel model, Tensor x, SampleOptions? options = null) where TModel : Interface, TCapability =>
        base.Sample(model, x, options);

    /// <summary>Hides the untyped entry point where the sampler's type is known (see the class remarks).</summary>
    [Obsolete("This sampler needs a model with its capability (EulerJump: ITwoTimeModel such as MeanFlowInterface; EulerMaruyama: IHasScore); " +
              "this model's static type lacks it. Call through a Sampler reference to defer the check to run time.", error: true)]
    public new Tensor Sample(Interface model, Tensor x, SampleOptions? options = null) => base.Sample(model, x, options);

    /// <inheritdoc />
    protected override void CheckModel(Interface model, SampleOptions options)
    {
        RequireCapability<TCapability>(model);
        if (options.GuideModel is { } guide && options.GuidanceScale != 1.0) RequireCapability<TCapability>(guide, "guide model");
    }
}
