using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Interfaces;

/// <summary>
/// Puts a network in evaluation mode without gradients for a block and restores its previous mode after
/// (for the extra network calls of guidance during training, which must not drop labels or record a graph).
/// Networks that are not TorchSharp modules have no mode; only gradients are switched off for them.
/// </summary>
internal sealed class EvaluationMode : IDisposable
{
    readonly nn.Module? module;
    readonly bool wasTraining;
    readonly IDisposable noGradient;

    public EvaluationMode(IDiffusionNetwork network)
    {
        module = network as nn.Module;
        wasTraining = module?.training ?? false;
        module?.eval();
        noGradient = no_grad();
    }

    public void Dispose()
    {
        noGradient.Dispose();
        if (wasTraining) module!.train();
    }
}
