using Research.Framework.Interfaces;
using Research.Framework.Networks;

namespace Research.Framework.Distillation;

/// <summary>
/// Rebuilds a teacher's network from its run's Network.* settings (before its weights are loaded), for the networks the
/// framework ships. The teacher keeps its own shape and time embedding, so a student of another size or time scale can
/// still learn from it; only a student that matches starts from its weights.
/// </summary>
public static class TeacherNetworks
{
    /// <summary>The teacher's network; an unknown type is an error listing the known ones.</summary>
    public static IDiffusionNetwork Build(TeacherConfig config) => config.Network switch
    {
        nameof(ToyMlp) => new ToyMlp(new ToyMlpOptions
        {
            Dim = config.Get<int>("Network.Dim"),
            Hidden = config.Get<int>("Network.Hidden"),
            Depth = config.Get<int>("Network.Depth"),
            FrequencyEmbedSize = config.Get<int>("Network.FrequencyEmbedSize"),
            TimeScale = config.GetNullable<double>("Network.TimeScale"),
            TakeDt = config.Flag("Network.TakeDt"),
            NumClasses = config.GetNullable<int>("Network.NumClasses"),
            ClassDropoutProb = 0, // a frozen teacher runs in eval mode; the null label row is kept
            LogVarianceHead = config.Flag("Network.LogVarianceHead"),
        }),
        nameof(DiT) => new DiT(new DiTOptions
        {
            InputSize = config.Get<int>("Network.InputSize"),
            PatchSize = config.Get<int>("Network.PatchSize"),
            InChannels = config.Get<int>("Network.InChannels"),
            HiddenSize = config.Get<int>("Network.HiddenSize"),
            Depth = config.Get<int>("Network.Depth"),
            NumHeads = config.Get<int>("Network.NumHeads"),
            MlpRatio = config.Get<double>("Network.MlpRatio"),
            FrequencyEmbedSize = config.Get<int>("Network.FrequencyEmbedSize"),
            TakeDt = config.Flag("Network.TakeDt"),
            NumClasses = config.GetNullable<int>("Network.NumClasses"),
            ClassDropoutProb = 0,
            LogVarianceHead = config.Flag("Network.LogVarianceHead"),
            // Runs older than these settings recorded none: their defaults.
            TimeScale = config.GetNullable<double>("Network.TimeScale") ?? 1,
            TimeShift = config.GetNullable<double>("Network.TimeShift") ?? 0,
            OutputScale = config.GetNullable<double>("Network.OutputScale") ?? 1,
        }),
        _ => throw new ArgumentException(
            $"The {config.Role} run '{config.RunDirectory}' trained a {config.Network}; a {config.Role} can be a {nameof(ToyMlp)} or a {nameof(DiT)}."),
    };

    /// <summary>
    /// Whether the student can start from the teacher's weights: the same network type, every teacher parameter present in
    /// the student under its name and shape, and the same time-embedding scale (a weight means something else under another).
    /// </summary>
    public static bool Matches(IDiffusionNetwork teacher, IDiffusionNetwork student)
    {
        if (teacher.GetType() != student.GetType() || teacher is not TorchSharp.torch.nn.Module t || student is not TorchSharp.torch.nn.Module s) return false;
        if (teacher is ToyMlp a && student is ToyMlp b && a.Options.ResolvedTimeScale != b.Options.ResolvedTimeScale) return false;
        if (teacher is DiT c && student is DiT d && (c.Options.TimeScale, c.Options.TimeShift, c.Options.OutputScale) != (d.Options.TimeScale, d.Options.TimeShift, d.Options.OutputScale)) return false;
        var studentShapes = s.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        return t.named_parameters().All(p => studentShapes.TryGetValue(p.name, out var shape) && shape.SequenceEqual(p.parameter.shape));
    }
}
