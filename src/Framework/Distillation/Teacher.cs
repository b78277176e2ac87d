using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using Research.Framework.Samplers;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Training.PostHocEma;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Distillation;

/// <summary>
/// A frozen diffusion teacher for consistency distillation: a trained SiT, EDM or TrigFlow run rebuilt from its folder
/// with its newest checkpoint's EMA weights, gradients off, in eval mode. <see cref="Velocity"/> answers in TrigFlow's
/// terms (dx_t/dt at TrigFlow time t) whatever the teacher's own path, with classifier-free guidance on the teacher.
/// <para>
/// Conversion: every teacher gives its data estimate x̂₀ at the point of its own path with TrigFlow's signal-to-noise
/// ratio — EDM at σ = σ_d tan t, input x_t / cos t; SiT at τ = σ_d sin t/(cos t + σ_d sin t), input
/// x_t/(cos t + σ_d sin t) — and TrigFlow's PF-ODE tangent follows from f = cos t·x_t − sin t·dx/dt = x̂₀:
/// dx/dt = (cos t·x_t − x̂₀)/sin t. A TrigFlow teacher answers directly (σ_d·F).
/// </para>
/// </summary>
public sealed class Teacher
{
    Teacher(Interface model, TeacherConfig? config, long step, double guidanceScale)
    {
        (Model, Config, CheckpointStep, GuidanceScale) = (model, config, step, guidanceScale);
    }

    /// <summary>The teacher's interface (its network frozen).</summary>
    public Interface Model { get; }
    /// <summary>What the teacher's run folder said about it (null for a teacher given in memory).</summary>
    public TeacherConfig? Config { get; }
    /// <summary>The checkpoint step the weights came from (−1 for a teacher given in memory).</summary>
    public long CheckpointStep { get; }
    /// <summary>Classifier-free guidance scale w on the teacher (1 = none).</summary>
    public double GuidanceScale { get; }

    /// <summary>A teacher from a diffusion model already in memory (a closed-form field, a model trained in this process).</summary>
    public static Teacher Of(Interface model, double guidanceScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is not (SiTInterface or EdmInterface or TrigFlowInterface) || model is IConsistencyModel || model is ITwoTimeModel)
            throw new ArgumentException($"A teacher must be a {nameof(SiTInterface)}, {nameof(EdmInterface)} or {nameof(TrigFlowInterface)} diffusion model; got {model.GetType().Name}.", nameof(model));
        return new Teacher(model, null, -1, guidanceScale);
    }

    /// <summary>
    /// Loads the teacher from <paramref name="runDirectory"/>; every problem (no folder, no config, an interface or network
    /// that cannot teach, no readable checkpoint, guidance without classes) is an <see cref="ArgumentException"/> raised here,
    /// before any training step.
    /// </summary>
    public static Teacher Load(string runDirectory, double guidanceScale, Device device, ScalarType dtype)
    {
        var config = TeacherConfig.Read(runDirectory);
        var network = TeacherNetworks.Build(config);
        var module = (nn.Module)network;
        module.to(device);
        module.to(dtype);
        var model = BuildInterface(config, network, device, dtype);
        if (guidanceScale != 1.0 && network.NumClasses is null)
            throw new ArgumentException($"Teacher guidance scale {guidanceScale} needs a class-conditional teacher; the run '{runDirectory}' has no classes (Network.NumClasses null). Use a guidance scale of 1.");

        // The newest checkpoint's EMA weights, read without a trainer or an optimizer, then copied into the network for good.
        using var ema = new EmaTrack(module, new EmaOptions(config.Get<double>("EmaDecay")));
        // A run that kept post-hoc EMA profiles checkpoints them after the sampling track; they are read past here.
        var profiles = config.Settings.TryGetValue("PostHocEmaEvery", out var every) && every != "0"
            ? new PostHocEmaOptions(config.Get<long>("PostHocEmaEvery")).Tracks.Select(options => new EmaTrack(module, options)).ToArray() : [];
        var checkpoint = new TrainingCheckpoint(module, [ema, .. profiles]);
        var store = new CheckpointStore(CheckpointStore.FolderOf(runDirectory), warn: _ => { });
        long step;
        try
        {
            if (!store.TryLoadLatest(checkpoint.Read, out step, out _))
                throw new ArgumentException($"The teacher run '{runDirectory}' has no readable checkpoint in {store.Folder}; train it first (or let it finish).");
        }
        finally
        {
            foreach (var profile in profiles) profile.Dispose();
        }
        ema.SwapInto(module); // never undone: the teacher keeps the EMA weights
        foreach (var parameter in module.parameters()) parameter.requires_grad_(false);
        module.eval();
        return new Teacher(model, config, step, guidanceScale);
    }

    static Interface BuildInterface(TeacherConfig config, IDiffusionNetwork network, Device device, ScalarType dtype)
    {
        double sigmaData = config.Get<double>("Interface.XSigma");
        return config.Interface switch
        {
            nameof(EdmInterface) => new EdmInterface(network, TimeDist.LogNormal, new EdmOptions { XSigma = sigmaData, Device = device, DType = dtype }),
            nameof(SiTInterface) => new SiTInterface(network, TimeDist.Uniform, new SiTOptions { XSigma = sigmaData, Device = device, DType = dtype }),
            nameof(TrigFlowInterface) => new TrigFlowInterface(network, TimeDist.LogNormal, new TrigFlowOptions { XSigma = sigmaData, Device = device, DType = dtype }),
            _ => throw new ArgumentException(
                $"The teacher run '{config.RunDirectory}' trained a {config.Interface}; a teacher must be a diffusion run of {nameof(SiTInterface)}, " +
                $"{nameof(EdmInterface)} or {nameof(TrigFlowInterface)} (a consistency or MeanFlow run has no PF-ODE to distil)."),
        };
    }

    /// <summary>
    /// The teacher's PF-ODE tangent dx_t/dt in TrigFlow terms at (x_t, t) with σ_d = <paramref name="sigmaData"/>, guided
    /// as u_c + (w − 1)(u_c − u_null) when w ≠ 1; no gradient.
    /// </summary>
    public Tensor Velocity(Tensor xt, Tensor t, double sigmaData, Conditioning? cond)
    {
        using var noGradient = no_grad();
        using var scope = NewDisposeScope();
        var options = new SampleOptions { GuidanceScale = GuidanceScale, Conditioning = cond };
        var guidance = new Guidance(Model, options, xt.shape[0]);
        var velocity = guidance.Evaluate((model, c) => TrigFlowVelocity(model, xt, t, sigmaData, c), 0.0);
        return velocity.MoveToOuterDisposeScope();
    }

    static Tensor TrigFlowVelocity(Interface model, Tensor xt, Tensor t, double sigmaData, Conditioning cond)
    {
        var cos = Interface.BcastRight(t.cos(), xt);
        var sin = Interface.BcastRight(t.sin(), xt);
        Tensor denoised;
        switch (model)
        {
            case TrigFlowInterface trig:
                if (trig.SigmaData != sigmaData) throw new ArgumentException($"The TrigFlow teacher has σ_d = {trig.SigmaData}; the student has {sigmaData}. Give the student Interface.XSigma {trig.SigmaData}.");
                return trig.Pred(xt, t, cond);
            case EdmInterface edm:
                denoised = edm.Denoise(xt / cos, sigmaData * t.tan(), cond);
                break;
            case SiTInterface sit:
                var scale = cos + sigmaData * sin;
                var tau = (sigmaData * t.sin()) / (t.cos() + sigmaData * t.sin());
                var flowState = xt / scale;
                denoised = flowState - Interface.BcastRight(tau, xt) * sit.Pred(flowState, tau, cond);
                break;
            default:
                throw new InvalidOperationException($"No TrigFlow conversion for a {model.GetType().Name} teacher.");
        }
        return (cos * xt - denoised) / sin;
    }
}
