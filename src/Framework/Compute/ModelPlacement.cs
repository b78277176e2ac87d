using Research.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Compute;

/// <summary>
/// Puts a model's modules on the interface's device and dtype. The interface draws its noise, times and labels there
/// (<see cref="InterfaceOptions.Device"/>, <see cref="InterfaceOptions.DType"/>); the network and a wrapper's own
/// modules (REPA's projector) must hold the same, or the first matmul mixes dtypes and libtorch aborts the process.
/// Done before the trainer exists, so the EMA tracks (copies of the weights) and AdamW's moments (made like the
/// weights) follow; checkpoints are read into the placed modules, so they load onto any device.
/// </summary>
public static class ModelPlacement
{
    /// <summary>Moves the network (and a wrapper's trainable module) to <paramref name="model"/>'s device and dtype.</summary>
    public static void Place(Interface model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Network is nn.Module network) Move(network, model);
        if (model is IHasTrainableModule wrapper) Move(wrapper.TrainableModule, model);
    }

    static void Move(nn.Module module, Interface model)
    {
        module.to(model.DType);
        module.to(model.Device);
    }
}
