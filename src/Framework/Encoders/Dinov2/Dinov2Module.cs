using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Encoders.Dinov2;

/// <summary>
/// A DINOv2 module whose parameters and children are registered only under Hugging Face's published names (with
/// <c>register_parameter</c>/<c>register_module</c>), so that its <c>state_dict()</c> reads a Dinov2Model file as it is.
/// </summary>
public abstract class Dinov2Module(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>
    /// Nothing: TorchSharp calls this when a parent registers the module, and its default would register every field
    /// a second time under the field's own name.
    /// </summary>
    protected override void RegisterComponents() { }

    /// <summary>A container that only gives its children their published names (Hugging Face's nesting, e.g. attention.output.dense).</summary>
    protected static nn.Module Named(params (string Name, nn.Module Module)[] children) => nn.ModuleDict(children);
}
