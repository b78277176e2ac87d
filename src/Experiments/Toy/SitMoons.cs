using Research.Framework.Data;
using Research.Framework.Experiments;
using Research.Framework.Interfaces;
using Research.Framework.Networks;
using Research.Framework.Samplers;

namespace Research.Experiments.Toy;

// README's "Write your own experiment" example, verbatim (a README test checks that the two stay the same, and the
// experiment tests run it): the Karras grid is in noise levels σ, which SiT's sampler maps onto its own time.

/// <summary>Flow matching on two moons, Heun-16 on the Karras grid.</summary>   // the description in `list`
[Experiment("sit-moons")]
[Interface(typeof(SiTInterface), TrainTimeDist = TimeDist.LogitNormal)]   // Interface.TimeDist + SiTOptions → Interface.*
[Network(typeof(ToyMlp))]                                                  // ToyMlpOptions → Network.*
[Sampler(typeof(Heun), Steps = 16, Grid = typeof(KarrasGrid))]            // Sampler.Steps, ctor parameters; Grid.*
[Dataset(typeof(TwoMoons))]                                                // ctor parameters → Dataset.*
[Default("Interface.TShiftBase", 2.0)]                                     // a component default, checked at compile time
public sealed partial class SitMoons
{
    /// <summary>Training steps.</summary>                                      // the help text of --TrainSteps
    [Sweep(1000, 2000)] public long TrainSteps { get; init; } = 1000;
    /// <summary>Peak learning rate.</summary>
    [SweepRange(1e-4, 1e-2, Log = true)] public double LearningRate { get; init; } = 1e-3;
}
