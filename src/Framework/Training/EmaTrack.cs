using TorchSharp;
using static TorchSharp.torch;

namespace Research.Framework.Training;

/// <summary>Settings of one EMA track.</summary>
/// <param name="Decay">The decay β in θ_ema ← β·θ_ema + (1 − β)·θ, in [0, 1).</param>
/// <param name="Warmup">
/// When true (the default) the decay ramps up as min(β, (1 + n)/(10 + n)) over the first updates n, so after N
/// updates the start weights keep only 9!·N!/(N + 9)! = 1/C(N + 9, 9) of the average (1.4·10⁻⁴ after 10 steps) while
/// the ramp lasts. Without it a 1,000-step run at β = 0.999 still holds β^1000 = 37% of the random init. False gives
/// the constant decay.
/// </param>
/// <param name="Name">The track's name in checkpoints and metrics.</param>
public sealed record EmaOptions(double Decay = 0.9999, bool Warmup = true, string? Name = null)
{
    /// <summary>
    /// When set, the track is a power-function EMA (EDM2) of this relative standard deviation σ_rel: update t uses
    /// β_t = (1 − 1/t)^(γ+1) (<see cref="PostHocEma.PowerFunction.Beta"/>) in place of <see cref="Decay"/> and
    /// <see cref="Warmup"/>.
    /// </summary>
    public double? PowerStd { get; init; }

    /// <summary>The name, defaulting to "ema_&lt;decay&gt;" (a power-function track: "phema_&lt;σ_rel&gt;").</summary>
    public string TrackName => Name ?? (PowerStd is { } std
        ? $"phema_{std.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : $"ema_{Decay.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}

/// <summary>
/// An exponential moving average of a module's trainable parameters (never its buffers).
/// Initialised as a copy of the weights, not zeros: the reference's zero init without bias correction gives
/// shrunken early EMA models. Sampling swaps the average into the module and back (<see cref="SwapInto"/>), so
/// one network instance serves the online and every EMA model.
/// </summary>
public sealed class EmaTrack : IDisposable
{
    readonly string[] names;
    readonly Tensor[] shadow;

    /// <summary>Creates the track as a copy of <paramref name="module"/>'s current parameters.</summary>
    public EmaTrack(nn.Module module, EmaOptions options)
        : this(module.named_parameters().Select(p => p.name).ToArray(), module.parameters().Select(p => (Tensor)p).ToArray(), options)
    {
    }

    /// <summary>
    /// Creates the track as a copy of <paramref name="weights"/> named <paramref name="names"/> (a module's parameters
    /// in <c>named_parameters()</c> order): under mixed precision the float32 master weights, so the average keeps
    /// float32's 24-bit mantissa (a bf16 average of decay 0.9999 would round every update away).
    /// </summary>
    public EmaTrack(IReadOnlyList<string> names, IReadOnlyList<Tensor> weights, EmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PowerStd is { } std) PostHocEma.PowerFunction.StdToExp(std);   // refuses a σ_rel out of range
        else if (!(options.Decay >= 0 && options.Decay < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Decay, $"EMA decay must lie in [0, 1) (got {options.Decay}).");
        if (names.Count != weights.Count) throw new ArgumentException($"{names.Count} names for {weights.Count} weights.", nameof(names));
        Options = options;
        this.names = names.ToArray();
        using var noGradient = no_grad();
        shadow = weights.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The track's settings.</summary>
    public EmaOptions Options { get; }

    /// <summary>How many updates the track has seen.</summary>
    public long Updates { get; private set; }

    /// <summary>The decay used for update number <paramref name="updates"/> (0-based).</summary>
    public double EffectiveDecay(long updates) =>
        Options.PowerStd is { } std ? PostHocEma.PowerFunction.Beta(std, updates + 1)
        : Options.Warmup ? Math.Min(Options.Decay, (1.0 + updates) / (10.0 + updates)) : Options.Decay;

    /// <summary>θ_ema ← β·θ_ema + (1 − β)·θ for every trainable parameter, in place.</summary>
    public void Update(nn.Module module) => Update(Parameters(module));

    /// <summary>
    /// The same update from the module's parameters listed once, in <c>named_parameters()</c> order: the trainer
    /// holds that list (as its optimizer does), which saves walking the module tree every step.
    /// </summary>
    public void Update(IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count != shadow.Length)
            throw new ArgumentException($"{parameters.Count} parameters were given; the EMA track was made for {shadow.Length}.", nameof(parameters));
        double decay = EffectiveDecay(Updates);
        using var noGradient = no_grad();
        for (int i = 0; i < shadow.Length; i++)
            shadow[i].mul_(decay).add_(parameters[i], alpha: 1 - decay);
        Updates++;
    }

    /// <summary>Copies the averaged weights into <paramref name="module"/> until the result is disposed.</summary>
    public IDisposable SwapInto(nn.Module module) => new Swap(module, this);

    /// <summary>The averaged value of the parameter <paramref name="name"/>.</summary>
    public Tensor this[string name] => shadow[Array.IndexOf(names, name) is var i and >= 0 ? i : throw new KeyNotFoundException($"The EMA track has no parameter '{name}'.")];

    /// <summary>Writes the update count and the averaged tensors.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Updates);
        writer.Write(shadow.Length);
        for (int i = 0; i < shadow.Length; i++)
        {
            writer.Write(names[i]);
            shadow[i].Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote; the parameter names must match.</summary>
    public void Load(BinaryReader reader)
    {
        Updates = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != shadow.Length) throw new InvalidDataException($"The checkpoint's EMA track has {count} tensors; the model has {shadow.Length} parameters.");
        using var noGradient = no_grad();
        for (int i = 0; i < count; i++)
        {
            var (name, loaded) = ReadAverage(reader);
            using (loaded)
            {
                if (name != names[i]) throw new InvalidDataException($"The checkpoint's EMA tensor {i} is '{name}'; the model's parameter is '{names[i]}'.");
                shadow[i].copy_(loaded);
            }
        }
    }

    /// <summary>
    /// Reads what <see cref="Save"/> wrote without a module: the update count and the averaged tensors, in order,
    /// handed to <paramref name="visit"/> one at a time (each is disposed after the call), so a reader that combines
    /// many saved tracks holds one tensor of each at a time.
    /// </summary>
    public static long ReadAverages(BinaryReader reader, Action<int, string, Tensor> visit)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(visit);
        long updates = reader.ReadInt64();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var (name, average) = ReadAverage(reader);
            using (average) visit(i, name, average);
        }
        return updates;
    }

    static (string Name, Tensor Average) ReadAverage(BinaryReader reader) => (reader.ReadString(), Tensor.Load(reader));

    /// <summary>
    /// Sets the averages to <paramref name="averages"/> (in <c>named_parameters()</c> order, cast to each parameter's
    /// type), e.g. a post-hoc EMA reconstructed from snapshots, so it can be swapped in like any track.
    /// </summary>
    public void CopyFrom(IReadOnlyList<Tensor> averages)
    {
        ArgumentNullException.ThrowIfNull(averages);
        if (averages.Count != shadow.Length)
            throw new ArgumentException($"{averages.Count} tensors were given; the EMA track holds {shadow.Length}.", nameof(averages));
        using var noGradient = no_grad();
        for (int i = 0; i < shadow.Length; i++) shadow[i].copy_(averages[i]);
    }

    /// <summary>The names of the averaged parameters, in <c>named_parameters()</c> order.</summary>
    public IReadOnlyList<string> Names => names;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in shadow) tensor.Dispose();
    }

    Tensor[] Parameters(nn.Module module)
    {
        var parameters = module.named_parameters().ToArray();
        if (parameters.Length != names.Length)
            throw new InvalidOperationException($"The module has {parameters.Length} parameters; the EMA track was made for {names.Length}.");
        return parameters.Select(p => (Tensor)p.parameter).ToArray();
    }

    sealed class Swap : IDisposable
    {
        readonly Tensor[] parameters;
        readonly Tensor[] online;

        public Swap(nn.Module module, EmaTrack track)
        {
            parameters = track.Parameters(module);
            using var noGradient = no_grad();
            online = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
            for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(track.shadow[i]);
        }

        public void Dispose()
        {
            using var noGradient = no_grad();
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i].copy_(online[i]);
                online[i].Dispose();
            }
        }
    }
}
