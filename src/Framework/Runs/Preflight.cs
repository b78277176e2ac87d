using System.Runtime.InteropServices;
using Research.Framework.Data;
using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;
using Research.Framework.Training;
using static TorchSharp.torch;

namespace Research.Framework.Runs;

/// <summary>
/// The check before step 1: the plan's sampler draws a tiny batch through the untrained network, at the preview's
/// and every periodic evaluation's guidance scale, and the preview renders it. A pairing or setting that would fail
/// only after training (EDM with Euler–Maruyama's flow-only coefficient, a grid the interface cannot use, guidance
/// on an unconditional model) then fails in seconds, before the run folder exists, with the sampler's own message.
/// The draw uses its own seeded generator, so the run's random streams are untouched. `run --skip-preflight` skips it.
/// </summary>
public static class Preflight
{
    /// <summary>Samples drawn per check: the fewest that exercise batching and labels.</summary>
    public const int Samples = 2;

    /// <summary>Runs the check; a failure is an <see cref="InvalidSettingException"/> naming the sampler and the cause.</summary>
    public static void Check(ExperimentPlan plan) => Check(plan, SampleOptions.Default);

    /// <summary>Runs the check with the run's guidance interval and guide (<see cref="GuidanceSampling.Resolve"/>).</summary>
    public static void Check(ExperimentPlan plan, SampleOptions options)
    {
        var network = Trainer.TrainedModule(plan.Model);
        bool training = network.training;
        using var scope = NewDisposeScope();
        using var noGradient = no_grad();
        network.eval();
        double scale = plan.GuidanceScale;
        if (plan.Model is IPreflightCheck part)
        {
            try
            {
                part.CheckBeforeTraining(plan.Dataset.SampleShape);
            }
            catch (ArgumentException error)
            {
                throw new InvalidSettingException($"{plan.Name}: pre-flight (before training): {error.Message}");
            }
        }
        try
        {
            foreach (var guidance in plan.Evaluations.Select(e => e.GuidanceScale).Prepend(plan.GuidanceScale).Distinct())
            {
                scale = guidance;
                var (samples, _) = SampleGeneration.Generate(plan.Model, plan.Sampler, plan.Dataset.SampleShape, Samples, seed: 0, options with { GuidanceScale = guidance });
                SamplePreviewHook.Render(EncodedImages.ToImages(plan.Dataset, samples), plan.Dataset.SampleShape);   // latents decode through their VAE
            }
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or NotSupportedException or ExternalException)
        {
            throw new InvalidSettingException($"{plan.Name}: pre-flight (before training, on the untrained network): {plan.Sampler.GetType().Name} " +
                $"with guidance {scale} cannot sample this model: {error.Message} Fix the pairing or the setting; `run --skip-preflight` skips this check.");
        }
        finally
        {
            if (training) network.train();
        }
    }
}
