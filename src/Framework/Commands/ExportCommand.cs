using Research.Framework.Distillation;
using Research.Framework.Networks.StateDicts;
using Research.Framework.Tracking;
using static TorchSharp.torch;

namespace Research.Framework.Commands;

/// <summary>
/// `export RUN-DIR [--out FILE]`: writes the run's newest checkpoint's EMA weights as <c>.safetensors</c> with the
/// network's config in the metadata (<see cref="NetworkWeights"/>), by default to RUN-DIR/weights.safetensors, for
/// PyTorch (<c>safetensors.torch.load_file</c>) or for another run's <c>--Network.InitFrom</c>.
/// </summary>
internal static class ExportCommand
{
    public const string Usage = "export RUN-DIR [--out FILE]";

    static readonly CommandSyntax Syntax = new("export", Usage, [new("--out", "FILE", Missing: "needs a file name")], Positionals: 1, PositionalName: "run folder");

    public static int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runDir = parsed.Positionals is [var folder] ? folder : throw new UsageException($"export: give one run folder: {Usage}.");
        var path = parsed["--out"] ?? new RunLayout(runDir).Weights;
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"export: --out '{path}' must end in .safetensors (the only format export writes).");
        using var scope = NewDisposeScope();
        var (network, config, step) = Load(runDir);
        NetworkWeights.Save((nn.Module)network, path);
        output.WriteLine($"export: {config.Network} EMA weights of step {step} → {path}");
        return 0;
    }

    static (Interfaces.IDiffusionNetwork, TeacherConfig, long) Load(string runDir)
    {
        try { return FrozenRun.LoadNetwork(runDir, "source", CPU, ScalarType.Float32); }
        catch (ArgumentException invalid) { throw new UsageException($"export: {invalid.Message}"); }
    }
}
