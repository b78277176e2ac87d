namespace Research.Framework.Networks;

/// <summary>
/// A network that says how it was built: its options record, which a weights file carries beside the tensors
/// (<see cref="StateDicts.NetworkWeights"/>) so that loading can check it and PyTorch code can rebuild the model.
/// </summary>
public interface IConfiguredNetwork
{
    /// <summary>The options the network was built with (a JSON-serialisable record).</summary>
    object Options { get; }
}
