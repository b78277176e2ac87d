using Research.Framework.Distillation;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;

namespace Research.Framework.Runs;

/// <summary>
/// Turns a plan's <see cref="GuidanceSettings"/> into the guidance part of every sampling call of a run or an eval: the
/// scale and interval, and, for <c>--Guide RUN-DIR</c>, that run's frozen EMA network (loaded once, through
/// <see cref="FrozenRun"/>) as the autoguide, called with the caller's labels.
/// </summary>
public static class GuidanceSampling
{
    /// <summary>
    /// The options template (no labels, no noise yet). A guide run that cannot guide this model, or null-label guidance
    /// of an unconditional model, is an <see cref="InvalidSettingException"/> (exit 2) before anything is sampled.
    /// </summary>
    public static SampleOptions Resolve(ExperimentPlan plan) => ResolveWith(plan, LoadGuide);

    /// <summary>
    /// As <see cref="Resolve"/>, with the guide run loaded through <paramref name="loadGuide"/> (called as
    /// <see cref="LoadGuide"/>): an eval sweep hands a cache, so its points share one frozen guide instead of reading its
    /// config and checkpoint once a point.
    /// </summary>
    public static SampleOptions ResolveWith(ExperimentPlan plan, Func<string, Interface, Interface> loadGuide)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(loadGuide);
        try
        {
            var settings = plan.Guidance.Validate();
            if (settings.GuidanceScale != 1.0 && !settings.HasGuideRun && plan.Model.Network.NumClasses is null)
                throw new ArgumentException($"GuidanceScale {settings.GuidanceScale.ToString(System.Globalization.CultureInfo.InvariantCulture)} guides by the null label, " +
                    "which this unconditional model (Network.NumClasses null) has not got: use GuidanceScale 1, a class-conditional run, or --Guide RUN-DIR (autoguidance).");
            return settings.Options(settings.HasGuideRun ? loadGuide(settings.Guide, plan.Model) : null);
        }
        catch (ArgumentException error)
        {
            throw new InvalidSettingException($"{plan.Name}: {error.Message}");
        }
    }

    /// <summary>The guide run's frozen model; it must be the same kind of interface as <paramref name="model"/> (the two fields are combined at the same x and t).</summary>
    public static Interface LoadGuide(string runDirectory, Interface model)
    {
        var (guide, config, _) = FrozenRun.Load(runDirectory, "guide", model.Device, model.DType);
        if (guide.GetType() != model.GetType())
            throw new ArgumentException($"The guide run '{runDirectory}' trained a {config.Interface}; this model is a {model.GetType().Name}, and a guide must be the same interface (its field is combined with the model's at the same x and t).");
        return guide;
    }
}
