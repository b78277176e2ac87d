using System.Globalization;

namespace Research.Framework.Evaluation;

/// <summary>
/// The periodic evaluation of an experiment as flat settings (`Evaluate.*`, set by
/// <see cref="Experiments.EvaluateAttribute"/>, the command line and sweeps): every <see cref="Every"/> steps, one
/// evaluation per guidance scale of <see cref="GuidanceScales"/>, each drawing <see cref="Samples"/> samples.
/// </summary>
public sealed record EvaluationSettings
{
    /// <summary>Evaluate the EMA model every this many steps (0 = only the final evaluation).</summary>
    public long Every { get; init; }
    /// <summary>Samples drawn by each periodic evaluation.</summary>
    public int Samples { get; init; } = 1024;
    /// <summary>Comma-separated classifier-free guidance scales, one periodic evaluation each (1 = unguided).</summary>
    public string GuidanceScales { get; init; } = "1";
    /// <summary>Image data: training steps of the reference feature network when it is not cached yet.</summary>
    public int ReferenceSteps { get; init; } = new FashionMnistFeatureOptions().Steps;
    /// <summary>Image data: the folder whose .cache holds the reference feature network (relative to the working directory; "runs" by default, whatever --runs-dir says).</summary>
    public string CacheRoot { get; init; } = "runs";

    /// <summary>The schedules these settings describe (none when <see cref="Every"/> ≤ 0); bad scales fail with the text they came from.</summary>
    public IReadOnlyList<EvaluationSchedule> Schedules()
    {
        if (Every <= 0) return [];
        var scales = GuidanceScales.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (scales.Length == 0)
            throw new ArgumentException($"Evaluate.GuidanceScales is empty; give one or more numbers ≥ 0 separated by commas, e.g. \"1\" or \"1,2.5\".");
        return scales.Select(text =>
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) || !double.IsFinite(scale) || scale < 0)
                throw new ArgumentException($"Evaluate.GuidanceScales: '{text}' in \"{GuidanceScales}\" is not a number ≥ 0; give scales separated by commas, e.g. \"1,2.5\".");
            var schedule = new EvaluationSchedule(Every, Samples, scale);
            schedule.Validate();
            return schedule;
        }).ToList();
    }
}
