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
    /// <summary>
    /// Moves the network (and a wrapper's trainable module) to <paramref name="model"/>'s device and dtype; with
    /// <paramref name="networkDType"/> (mixed precision) the network's weights are then cast to that type, once, before
    /// any trainer or optimizer holds them, and the interface casts the network's inputs and outputs
    /// (<see cref="NetworkDType"/>). A wrapper's own modules (REPA's projector) stay in the interface's type.
    /// </summary>
    public static void Place(Interface model, ScalarType? networkDType = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Network is nn.Module network) Move(network, model);
        if (model is IHasTrainableModule wrapper) Move(wrapper.TrainableModule, model);
        if (networkDType is not { } narrow || narrow == model.DType) return;
        if (model.Network is not nn.Module module)
            throw new ArgumentException($"Precision {narrow} needs a network that is a TorchSharp module; {model.Network.GetType().Name} is not.");
        module.to(narrow);
        NetworkDType.Record(model.Network, narrow);
    }

    static void Move(nn.Module module, Interface model)
    {
        module.to(model.DType);
        module.to(model.Device);
    }
}
