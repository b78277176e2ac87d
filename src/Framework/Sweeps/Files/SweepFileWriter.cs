using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Research.Framework.Sweeps;

/// <summary>
/// Writes a <see cref="SweepSpec"/> as a W&amp;B sweep file in JSON, so a trial store can keep it as text. Every
/// numeric law names its distribution explicitly and parameters are written flat with their dotted keys, so
/// <see cref="SweepFile.ParseJson"/> reads back the same spec (ignored W&amp;B keys are not written).
/// </summary>
static class SweepFileWriter
{
    public static string Write(SweepSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (spec.Name is { } name) json.WriteString("name", name);
            if (spec.Description is { } description) json.WriteString("description", description);
            json.WriteString("method", spec.Method.ToString().ToLowerInvariant());
            if (spec.Objective is { } objective)
            {
                json.WriteStartObject("metric");
                json.WriteString("name", objective.Metric);
                json.WriteString("goal", objective.Goal == SweepGoal.Maximize ? "maximize" : "minimize");
                if (objective.Target is { } target) json.WriteNumber("target", target);
                json.WriteEndObject();
            }
            if (spec.RunCap is { } cap) json.WriteNumber("run_cap", cap);
            if (spec.Pruner is { } pruner) WritePruner(json, pruner);
            json.WriteStartObject("parameters");
            foreach (var parameter in spec.Space.Parameters)
            {
                json.WriteStartObject(parameter.Key);
                WriteLaw(json, parameter.Distribution);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One parameter's law as a line of W&amp;B JSON, e.g. {"distribution":"log_uniform_values","min":0.0001,"max":0.01}.</summary>
    public static string Describe(Distribution law)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteLaw(json, law);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void WriteLaw(Utf8JsonWriter json, Distribution law)
    {
        if (law is Constant constant)
        {
            json.WritePropertyName("value");
            WriteValue(json, constant.Value);
            return;
        }
        json.WriteString("distribution", law.Name);
        switch (law)
        {
            case Categorical categorical:
                json.WriteStartArray("values");
                foreach (var value in categorical.Values) WriteValue(json, value);
                json.WriteEndArray();
                if (categorical.Probabilities is { } probabilities)
                {
                    json.WriteStartArray("probabilities");
                    foreach (var p in probabilities) json.WriteNumberValue(p);
                    json.WriteEndArray();
                }
                break;
            case IntUniform(var min, var max):
                json.WriteNumber("min", min);
                json.WriteNumber("max", max);
                break;
            case Uniform(var min, var max): Numbers(json, ("min", min), ("max", max)); break;
            case LogUniform(var min, var max): Numbers(json, ("min", min), ("max", max)); break;
            case LogUniformValues(var min, var max): Numbers(json, ("min", min), ("max", max)); break;
            case InvLogUniform(var min, var max): Numbers(json, ("min", min), ("max", max)); break;
            case InvLogUniformValues(var min, var max): Numbers(json, ("min", min), ("max", max)); break;
            case QUniform(var min, var max, var q): Numbers(json, ("min", min), ("max", max), ("q", q)); break;
            case QLogUniform(var min, var max, var q): Numbers(json, ("min", min), ("max", max), ("q", q)); break;
            case QLogUniformValues(var min, var max, var q): Numbers(json, ("min", min), ("max", max), ("q", q)); break;
            case Normal(var mu, var sigma): Numbers(json, ("mu", mu), ("sigma", sigma)); break;
            case LogNormal(var mu, var sigma): Numbers(json, ("mu", mu), ("sigma", sigma)); break;
            case QNormal(var mu, var sigma, var q): Numbers(json, ("mu", mu), ("sigma", sigma), ("q", q)); break;
            case QLogNormal(var mu, var sigma, var q): Numbers(json, ("mu", mu), ("sigma", sigma), ("q", q)); break;
            case Beta(var a, var b): Numbers(json, ("a", a), ("b", b)); break;
            case QBeta(var a, var b, var q): Numbers(json, ("a", a), ("b", b), ("q", q)); break;
            default: throw new ArgumentException($"No W&B form for the distribution {law.GetType().Name}.", nameof(law));
        }
    }

    static void WritePruner(Utf8JsonWriter json, IPruner pruner)
    {
        json.WriteStartObject("early_terminate");
        switch (pruner)
        {
            case HyperbandPruner hyperband:
                json.WriteString("type", "hyperband");
                if (hyperband.MinIter is { } minIter) json.WriteNumber("min_iter", minIter);
                if (hyperband.MaxIter is { } maxIter) json.WriteNumber("max_iter", maxIter);
                if (hyperband.S is { } s) json.WriteNumber("s", s);
                json.WriteNumber("eta", hyperband.Eta);
                json.WriteBoolean("strict", hyperband.Strict);
                break;
            case MedianPruner median:
                json.WriteString("type", "median");
                json.WriteNumber("n_startup_trials", median.StartupTrials);
                json.WriteNumber("n_warmup_steps", median.WarmupSteps);
                json.WriteNumber("interval_steps", median.IntervalSteps);
                json.WriteNumber("n_min_trials", median.MinTrials);
                break;
            case SuccessiveHalvingPruner halving:
                json.WriteString("type", "successive_halving");
                json.WriteNumber("min_resource", halving.MinResource);
                json.WriteNumber("reduction_factor", halving.ReductionFactor);
                json.WriteNumber("min_early_stopping_rate", halving.MinEarlyStoppingRate);
                break;
            default:
                throw new ArgumentException($"No sweep-file form for the pruner {pruner.GetType().Name}.", nameof(pruner));
        }
        json.WriteEndObject();
    }

    static void Numbers(Utf8JsonWriter json, params (string Key, double Value)[] numbers)
    {
        foreach (var (key, value) in numbers) json.WriteNumber(key, value);
    }

    /// <summary>Numbers and booleans in canonical form as JSON numbers and booleans; any other text as a string.</summary>
    static void WriteValue(Utf8JsonWriter json, string value)
    {
        bool canonical = SweepValue.Canonical(value) == value;
        if (canonical && value is "true" or "false") json.WriteBooleanValue(value == "true");
        else if (canonical && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) json.WriteRawValue(value);
        else json.WriteStringValue(value);
    }
}
