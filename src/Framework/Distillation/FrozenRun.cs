using Research.Framework.Interfaces;
using Research.Framework.Interfaces.Consistency;
using TorchSharp;
using Research.Framework.Training;
using Research.Framework.Training.Checkpoints;
using Research.Framework.Training.PostHocEma;
using static TorchSharp.torch;

namespace Research.Framework.Distillation;

/// <summary>
/// A trained diffusion run rebuilt from its folder for use beside another model: its network (from config.json's
/// Network.* settings), its interface (SiT, EDM or TrigFlow, with the run's σ_data) and its newest checkpoint's EMA
/// weights, gradients off, in eval mode. The sCD teacher (<see cref="Teacher"/>) and the autoguidance guide
/// (<c>--Guide RUN-DIR</c>) both load through here; every problem is an <see cref="ArgumentException"/> naming the
/// run's role and folder.
/// </summary>
public static class FrozenRun
{
    /// <summary>The run's frozen model, what its folder said and the checkpoint step its weights came from.</summary>
    public static (Interface Model, TeacherConfig Config, long Step) Load(string runDirectory, string role, Device device, ScalarType dtype)
    {
        var (network, config) = Build(runDirectory, role, device, dtype);
        var model = BuildInterface(config, network, device, dtype);   // an interface that cannot serve is refused before any weights are read
        return (model, config, RestoreEma((nn.Module)network, config, runDirectory, role));
    }

    /// <summary>
    /// The run's network alone (any interface: <c>export</c> needs no PF-ODE) with its newest checkpoint's EMA weights,
    /// on <paramref name="device"/> in <paramref name="dtype"/>, gradients off, in eval mode.
    /// </summary>
    public static (IDiffusionNetwork Network, TeacherConfig Config, long Step) LoadNetwork(string runDirectory, string role, Device device, ScalarType dtype)
    {
        var (network, config) = Build(runDirectory, role, device, dtype);
        return (network, config, RestoreEma((nn.Module)network, config, runDirectory, role));
    }

    static (IDiffusionNetwork Network, TeacherConfig Config) Build(string runDirectory, string role, Device device, ScalarType dtype)
    {
        var config = TeacherConfig.Read(runDirectory, role);
        var network = TeacherNetworks.Build(config);
        var module = (nn.Module)network;
        module.to(device);
        module.to(dtype);
        return (network, config);
    }

    /// <summary>Copies the newest checkpoint's EMA weights into <paramref name="module"/> for good and freezes it; returns the step.</summary>
    static long RestoreEma(nn.Module module, TeacherConfig config, string runDirectory, string role)
    {
        // The newest checkpoint's EMA weights, read without a trainer or an optimizer, then copied into the network for good.
        // An experiment without an EmaDecay setting trained the trainer's default track, whose name the checkpoint holds.
        using var ema = new EmaTrack(module, config.GetNullable<double>("EmaDecay") is { } decay ? new EmaOptions(decay) : new TrainerOptions().Ema[0]);
        // A run that kept post-hoc EMA profiles checkpoints them after the sampling track; they are read past here.
        var profiles = config.Settings.TryGetValue("PostHocEmaEvery", out var every) && every != "0"
            ? new PostHocEmaOptions(config.Get<long>("PostHocEmaEvery")).Tracks.Select(options => new EmaTrack(module, options)).ToArray() : [];
        var checkpoint = new TrainingCheckpoint(module, [ema, .. profiles]);
        var store = new CheckpointStore(CheckpointStore.FolderOf(runDirectory), warn: _ => { });
        long step;
        try
        {
            if (!store.TryLoadLatest(checkpoint.Read, out step, out _))
                throw new ArgumentException($"The {role} run '{runDirectory}' has no readable checkpoint in {store.Folder}; train it first (or let it finish).");
        }
        finally
        {
            foreach (var profile in profiles) profile.Dispose();
        }
        ema.SwapInto(module); // never undone: the frozen run keeps the EMA weights
        foreach (var parameter in module.parameters()) parameter.requires_grad_(false);
        module.eval();
        return step;
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
                $"The {config.Role} run '{config.RunDirectory}' trained a {config.Interface}; a {config.Role} must be a diffusion run of {nameof(SiTInterface)}, " +
                $"{nameof(EdmInterface)} or {nameof(TrigFlowInterface)} (a consistency or MeanFlow run has no PF-ODE to distil or to guide with)."),
        };
    }
}
