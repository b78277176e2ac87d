using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>
/// Mixed precision without autocast: the master copy of a module's parameters in the run's type (float32) for the
/// ones the module holds in a narrower type (bf16 under <c>--Precision bf16</c>). AdamW steps the masters, the EMA
/// tracks average them and checkpoints store them; the module's own weights only serve the 16-bit forward and
/// backward passes. A parameter already of the run's type is its own master (no copy), so with fp32 weights this
/// class passes everything through. Why masters: an update smaller than half a bf16 ulp of a weight (2⁻⁹ of it) is
/// rounded away when added to a bf16 weight, so a small learning rate (or an EMA of decay 0.9999) would not move it.
/// </summary>
public sealed class MasterWeights : IDisposable
{
    readonly string[] names;
    readonly Parameter[] weights;
    readonly Parameter[] masters;
    readonly int[] narrowed;
    readonly nn.Module module;

    /// <summary>Makes the masters of <paramref name="module"/>'s parameters in <paramref name="dtype"/>, copies of the current weights.</summary>
    public MasterWeights(nn.Module module, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(module);
        this.module = module;
        DType = dtype;
        var named = module.named_parameters().ToArray();
        names = named.Select(p => p.name).ToArray();
        weights = named.Select(p => p.parameter).ToArray();
        narrowed = Enumerable.Range(0, weights.Length).Where(i => weights[i].dtype != dtype).ToArray();
        masters = (Parameter[])weights.Clone();
        using var noGradient = no_grad();
        foreach (int i in narrowed)
            masters[i] = new Parameter(weights[i].detach().to_type(dtype).DetachFromDisposeScope(), weights[i].requires_grad);
    }

    /// <summary>The type of the masters (the run's).</summary>
    public ScalarType DType { get; }

    /// <summary>Whether any weight is narrower than its master (mixed precision is on).</summary>
    public bool Mixed => narrowed.Length > 0;

    /// <summary>The parameter names, in <c>named_parameters()</c> order.</summary>
    public IReadOnlyList<string> Names => names;

    /// <summary>Every master, trainable or not, in <c>named_parameters()</c> order (what the EMA tracks average).</summary>
    public IReadOnlyList<Tensor> All => masters;

    /// <summary>The masters of the trainable parameters (what AdamW steps and gradient clipping sees).</summary>
    public Parameter[] Trainable => masters.Where(p => p.requires_grad).ToArray();

    /// <summary>
    /// After a backward pass: adds each narrow weight's gradient, cast to the masters' type, to its master's gradient
    /// and clears the weight's, so micro-batches accumulate in the masters' type.
    /// </summary>
    public void AccumulateGradients()
    {
        using var noGradient = no_grad();
        foreach (int i in narrowed)
        {
            if (weights[i].grad is not { } narrow) continue;
            if (masters[i].grad is { } master) master.add_(narrow);
            else masters[i].grad = narrow.to_type(DType).DetachFromDisposeScope();
            narrow.zero_();
        }
    }

    /// <summary>After an optimizer step or a load: rounds the masters into the module's narrow weights.</summary>
    public void CopyToWeights()
    {
        using var noGradient = no_grad();
        foreach (int i in narrowed) weights[i].copy_(masters[i]);
    }

    /// <summary>
    /// The module's state (<c>state_dict()</c> order) with each parameter replaced by its master and each floating
    /// buffer in the masters' type: what a checkpoint stores, so it reads into any precision. For a module of the
    /// masters' type these are its own tensors (the checkpoint is <c>Module.save</c>'s).
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Value)> State() =>
        module.state_dict().Select(entry => (entry.Key, MasterOf(entry) is { } master ? master
            : is_floating_point(entry.Value) && entry.Value.dtype != DType ? entry.Value.to_type(DType) : entry.Value)).ToArray();

    /// <summary>Where each <see cref="State"/> entry is read back to: the masters, and the module's buffers.</summary>
    public IReadOnlyDictionary<string, Tensor> Targets() =>
        module.state_dict().ToDictionary(entry => entry.Key, entry => MasterOf(entry) ?? entry.Value);

    /// <summary>
    /// The master of a <c>state_dict()</c> entry, found by the weight's identity as well as its name: a submodule kept
    /// in a field and in a Sequential (the timestep embedder's first Linear) appears in the state under two names.
    /// </summary>
    Tensor? MasterOf(KeyValuePair<string, Tensor> entry)
    {
        for (int i = 0; i < weights.Length; i++)
            if (names[i] == entry.Key || ReferenceEquals(weights[i], entry.Value) || weights[i].Handle == entry.Value.Handle) return masters[i];
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (int i in narrowed) masters[i].Dispose();
    }
}
