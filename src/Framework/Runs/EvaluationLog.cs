using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Framework.Evaluation;
using Research.Framework.Tracking;

namespace Research.Framework.Runs;

/// <summary>
/// How evaluation numbers are recorded, in one place for the periodic, final and standalone evaluations: tracker keys
/// <c>&lt;prefix&gt;/&lt;metric&gt;[_g&lt;guidance&gt;]</c> (a float each, as trackers want), and the protocol behind each key
/// in <c>protocols.json</c> of the run folder, because a bare float under a key is exactly what makes FIDs
/// irreproducible: the key leads to the extractor, weights and reference hashes, sample count, sampler and seed.
/// </summary>
public static class EvaluationLog
{
    /// <summary>The file in the run folder that maps each metric key to its protocol.</summary>
    public const string ProtocolsFile = "protocols.json";

    /// <summary>The tracker key of a metric, e.g. "eval/swd_noise", or "eval/fd_g1.5" for guided samples.</summary>
    public static string Key(string prefix, MetricResult metric, double guidanceScale) =>
        $"{prefix}/{metric.Name.ToLowerInvariant().Replace(' ', '_')}"
        + (guidanceScale == 1.0 ? "" : "_g" + guidanceScale.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>The metrics of a report keyed by <see cref="Key"/>.</summary>
    public static IReadOnlyDictionary<string, double> Values(string prefix, EvaluationReport report) =>
        report.Metrics.ToDictionary(m => Key(prefix, m, report.GuidanceScale), m => m.Value);

    /// <summary>
    /// Logs the report's metrics at <paramref name="step"/> (when given), sets them as the summary, adds their
    /// protocols to protocols.json and logs the samples as a PNG under <paramref name="imageKey"/>.
    /// </summary>
    public static void Record(ITracker tracker, string runDirectory, string prefix, EvaluationReport report, long step, string imageKey, bool logHistory)
    {
        var values = Values(prefix, report);
        if (logHistory && values.Count > 0) tracker.Log(values, step);
        foreach (var (key, value) in values) tracker.SetSummary(key, value);
        WriteProtocols(runDirectory, report.Metrics.Select(m => (Key(prefix, m, report.GuidanceScale), m)));
        tracker.LogImage(imageKey, SamplePreviewHook.Render(report.Shown, report.Shown.shape[1..], report.Reference, report.Labels, report.ClassNames), step);
    }

    /// <summary>Adds (or replaces) the entries for these keys in the run folder's protocols.json.</summary>
    public static void WriteProtocols(string runDirectory, IEnumerable<(string Key, MetricResult Metric)> metrics)
    {
        var path = Path.Combine(runDirectory, ProtocolsFile);
        var all = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        foreach (var (key, metric) in metrics) all[key] = ToJson(metric);
        File.WriteAllText(path, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>A metric with its value, preview flag, protocol hash and protocol fields.</summary>
    public static JsonObject ToJson(MetricResult metric)
    {
        var fields = new JsonObject();
        foreach (var (name, value) in metric.Protocol.Fields()) fields[name] = value;
        return new JsonObject
        {
            ["metric"] = metric.Name,
            ["value"] = metric.Value,
            ["preview"] = metric.IsPreview,
            ["protocol_hash"] = metric.Protocol.Hash(),
            ["protocol"] = fields,
        };
    }

    /// <summary>One line per metric: its value, the preview flag and the protocol (fields and hash), for people.</summary>
    public static void Print(TextWriter output, string prefix, EvaluationReport report)
    {
        foreach (var metric in report.Metrics)
        {
            output.WriteLine($"{Key(prefix, metric, report.GuidanceScale),-28} {metric}");
            output.WriteLine($"    protocol {string.Join(", ", metric.Protocol.Fields().Where(f => f.Value.Length > 0).Select(f => $"{f.Name}={f.Value}"))}");
        }
    }
}
