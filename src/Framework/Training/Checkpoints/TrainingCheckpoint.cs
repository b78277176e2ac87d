using Research.Framework.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Framework.Training.Checkpoints;

/// <summary>
/// What a training checkpoint holds, and its byte layout (format 1): the step, the resolved config, the data
/// position, the weights, the optimizer's moments, every EMA track and the model's random streams, so resuming is
/// exact. Reading and writing need no <see cref="Trainer"/>: give the parts to fill or save. The network and the EMA
/// tracks are required; a part left null on reading (the loader, the optimizer, the streams) is read past, so
/// <c>eval</c> restores EMA weights without building an optimizer. The file around the payload (checksum, atomic
/// rename, retention) is <see cref="CheckpointStore"/>'s.
/// </summary>
/// <param name="Network">The module whose parameters are trained (the network, or a wrapper's whole trainable module).</param>
/// <param name="Ema">The EMA tracks of <paramref name="Network"/>, in the order of <see cref="TrainerOptions.Ema"/>.</param>
public sealed record TrainingCheckpoint(nn.Module Network, IReadOnlyList<EmaTrack> Ema)
{
    /// <summary>The payload format this build writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// The master weights of a mixed-precision run (<see cref="MasterWeights"/>): written in place of the network's
    /// narrow weights and read into, then rounded into the network. Null: the network's own tensors. Either way the
    /// weights are read with a cast, so a checkpoint of a bf16 run loads into a float32 network and back.
    /// </summary>
    public MasterWeights? Masters { get; init; }

    /// <summary>The loader whose position is saved and restored; null on reading skips it.</summary>
    public IBatchSource? Data { get; init; }

    /// <summary>The optimizer whose state is saved and restored (AdamW); null on reading skips it.</summary>
    public OptimizerHelper? Optimizer { get; init; }

    /// <summary>The model's named random streams; null on reading skips them.</summary>
    public IReadOnlyList<(string Name, Generator Generator)>? RandomStreams { get; init; }

    /// <summary>The resolved config written into the checkpoint, for people and tools.</summary>
    public string ConfigJson { get; init; } = "";

    /// <summary>Writes the payload for <paramref name="step"/>; every part is required.</summary>
    public void Write(BinaryWriter writer, long step)
    {
        var data = Data ?? throw new InvalidOperationException("a checkpoint is written with its loader");
        var optimizer = Optimizer ?? throw new InvalidOperationException("a checkpoint is written with its optimizer");
        var streams = RandomStreams ?? throw new InvalidOperationException("a checkpoint is written with its random streams");
        writer.Write(FormatVersion);
        writer.Write(step);
        writer.Write(ConfigJson);
        writer.Write(data.SaveState());
        using (var scope = NewDisposeScope())
            WriteWeights(writer, Masters?.State() ?? Network.state_dict().Select(e => (e.Key, e.Value)).ToArray());
        optimizer.save_state_dict(writer);
        writer.Write(Ema.Count);
        foreach (var ema in Ema)
        {
            writer.Write(ema.Options.TrackName);
            ema.Save(writer);
        }
        writer.Write(streams.Count);
        foreach (var (name, generator) in streams)
        {
            writer.Write(name);
            using var state = generator.get_state();
            state.Save(writer);
        }
    }

    /// <summary>
    /// Reads a payload into the parts given and returns its step. A payload that does not fit the parts (another
    /// format, other EMA tracks or streams) is an <see cref="InvalidDataException"/>, which makes
    /// <see cref="CheckpointStore.TryLoadLatest{T}"/> fall back to the previous checkpoint.
    /// </summary>
    public long Read(BinaryReader reader)
    {
        int version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"checkpoint format {version}; this build reads format {FormatVersion}");
        long step = reader.ReadInt64();
        reader.ReadString(); // the config is for people and tools; the running config is the caller's
        var position = reader.ReadString();
        Data?.RestoreState(position);
        ReadWeights(reader, Masters?.Targets() ?? Network.state_dict());
        Masters?.CopyToWeights();
        if (Optimizer is { } optimizer) optimizer.load_state_dict(reader);
        else SkipAdamW(reader);
        int tracks = reader.ReadInt32();
        if (tracks != Ema.Count) throw new InvalidDataException($"the checkpoint has {tracks} EMA tracks; the run has {Ema.Count}");
        foreach (var ema in Ema)
        {
            var name = reader.ReadString();
            if (name != ema.Options.TrackName) throw new InvalidDataException($"the checkpoint's EMA track '{name}' is not the run's '{ema.Options.TrackName}'");
            ema.Load(reader);
        }
        int count = reader.ReadInt32();
        if (RandomStreams is not { } streams) return step;   // the streams are the last part
        if (count != streams.Count) throw new InvalidDataException($"the checkpoint has {count} random streams; the model has {streams.Count}");
        foreach (var (name, generator) in streams)
        {
            var saved = reader.ReadString();
            if (saved != name) throw new InvalidDataException($"the checkpoint's random stream '{saved}' is not the model's '{name}'");
            using var state = Tensor.Load(reader);
            generator.set_state(state);
        }
        return step;
    }

    /// <summary>The weights in <c>Module.save</c>'s layout: the entry count (LEB128), then each name and tensor.</summary>
    static void WriteWeights(BinaryWriter writer, IReadOnlyList<(string Name, Tensor Value)> state)
    {
        WriteLeb128(writer, state.Count);
        foreach (var (name, value) in state)
        {
            writer.Write(name);
            value.Save(writer);
        }
    }

    /// <summary>
    /// Reads what <see cref="WriteWeights"/> (or <c>Module.save</c>) wrote into <paramref name="targets"/>, casting each
    /// tensor to its target's type (<c>Module.load</c> refuses another type); names and shapes must match.
    /// </summary>
    static void ReadWeights(BinaryReader reader, IReadOnlyDictionary<string, Tensor> targets)
    {
        long count = ReadLeb128(reader);
        if (count != targets.Count) throw new InvalidDataException($"the checkpoint holds {count} weight tensors; the model has {targets.Count}");
        using var noGradient = no_grad();
        for (long i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            if (!targets.TryGetValue(name, out var target)) throw new InvalidDataException($"the checkpoint's weight '{name}' is not the model's");
            using var loaded = Tensor.Load(reader);
            if (!loaded.shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"the checkpoint's weight '{name}' has shape [{string.Join(", ", loaded.shape)}]; the model's is [{string.Join(", ", target.shape)}]");
            target.copy_(loaded);
        }
    }

    static void WriteLeb128(BinaryWriter writer, long value)
    {
        do
        {
            byte next = (byte)(value & 0x7F);
            value >>= 7;
            writer.Write(value == 0 ? next : (byte)(next | 0x80));
        }
        while (value != 0);
    }

    /// <summary>
    /// Reads past what <see cref="OptimizerHelper.save_state_dict(BinaryWriter)"/> wrote for an AdamW: its name, the
    /// group and state counts (LEB128), each group's options (initial and current rate, β₁, β₂, ε, weight decay, then
    /// amsgrad and maximize), each parameter's state (step, both moments, and the AMSGrad maximum when present).
    /// A test checks this against TorchSharp's own writer.
    /// </summary>
    static void SkipAdamW(BinaryReader reader)
    {
        var name = reader.ReadString();
        if (name != nameof(AdamW)) throw new InvalidDataException($"the checkpoint's optimizer is {name}; only AdamW's state can be read past");
        long groups = ReadLeb128(reader), states = ReadLeb128(reader);
        for (long g = 0; g < groups; g++)
        {
            for (int i = 0; i < 6; i++) reader.ReadDouble();
            reader.ReadBoolean();
            reader.ReadBoolean();
        }
        for (long s = 0; s < states; s++)
        {
            reader.ReadInt64();
            Tensor.Load(reader).Dispose();
            Tensor.Load(reader).Dispose();
            if (reader.ReadBoolean()) Tensor.Load(reader).Dispose();
        }
    }

    /// <summary>An unsigned LEB128 integer, as TorchSharp encodes counts.</summary>
    static long ReadLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte next = reader.ReadByte();
            value |= (long)(next & 0x7F) << shift;
            if ((next & 0x80) == 0) return value;
            if (shift > 56) throw new InvalidDataException("a count in the optimizer state is not a valid LEB128 number");
        }
    }
}
