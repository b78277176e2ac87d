using Research.Framework.Data;
using Research.Framework.Interfaces;
using Research.Framework.Samplers;

namespace Research.Experiments.Toy;

/// <summary>Flow matching (SiT, logit-normal times) on the checkerboard, Heun-32 sampling. The default main job.</summary>
public sealed class SitCheckerboard : ToyExperiment
{
    public override string Name => "sit-checkerboard";
    public override string Description => "SiT flow matching on the 2-D checkerboard, Heun-32 sampling";
    protected override Interface Model(IDiffusionNetwork network) => new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = Seed, TShiftBase = 2 });
    protected override Sampler Sampler() => new Heun(SamplerSteps);
}

/// <summary>EDM (log-normal σ with EDM's P_mean −1.2, P_std 1.2) on the checkerboard, Heun on the Karras grid.</summary>
public sealed class EdmCheckerboard : ToyExperiment
{
    public override string Name => "edm-checkerboard";
    public override string Description => "EDM on the 2-D checkerboard, Heun on the Karras grid";
    protected override Interface Model(IDiffusionNetwork network) =>
        new EdmInterface(network, TimeDist.LogNormal, new EdmOptions { Seed = Seed, TMu = -1.2, TSigma = 1.2 });
    protected override Sampler Sampler() => new Heun(SamplerSteps, new KarrasGrid());
}

/// <summary>MeanFlow (unconditional: no guidance, no condition drops) on the checkerboard, one-step EulerJump.</summary>
public sealed class MeanFlowCheckerboard : ToyExperiment
{
    public MeanFlowCheckerboard() => SamplerSteps = 1;
    public override string Name => "meanflow-checkerboard";
    public override string Description => "MeanFlow on the 2-D checkerboard, one-step EulerJump sampling";
    protected override bool TakesDt => true;
    protected override Interface Model(IDiffusionNetwork network) => new MeanFlowInterface(network, TimeDist.LogitNormal,
        new MeanFlowOptions { Seed = Seed, TMu = -0.4, TShiftBase = 2, GuidanceScale = 1, GuidanceMixtureRatio = 0, CondDropRatio = 0 });
    protected override Sampler Sampler() => new EulerJump(SamplerSteps);
}

/// <summary>SiT on two moons sampled with Euler–Maruyama (linear-KL diffusion, grid from t = 0.999 as the reference).</summary>
public sealed class SitMoonsSde : ToyExperiment
{
    public SitMoonsSde() => SamplerSteps = 250;
    public override string Name => "sit-moons-sde";
    public override string Description => "SiT on two moons, Euler–Maruyama-250 sampling from t = 0.999";
    protected override Toy2D Data() => new TwoMoons();
    protected override Interface Model(IDiffusionNetwork network) => new SiTInterface(network, TimeDist.LogitNormal, new SiTOptions { Seed = Seed, TShiftBase = 2 });
    protected override Sampler Sampler() => new EulerMaruyama(SamplerSteps, new UniformGrid(tStart: 0.999));
}
