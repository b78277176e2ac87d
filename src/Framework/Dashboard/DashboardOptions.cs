namespace Research.Framework.Dashboard;

/// <summary>Where the dashboard reads runs from and how it serves them.</summary>
/// <param name="RunsFolder">The runs folder (<c>&lt;runs&gt;/runs.db</c> and <c>&lt;runs&gt;/&lt;experiment&gt;/&lt;run-id&gt;/</c>).</param>
public sealed record DashboardOptions(string RunsFolder)
{
    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// A running run that wrote nothing for this long is marked crashed when the runs are listed (its process died
    /// without finishing). Longer than any quiet stretch of a live run (a checkpoint, a final evaluation); a run
    /// marked crashed that writes again goes back to running.
    /// </summary>
    public TimeSpan CrashedAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Where warnings go (a damaged run index moved aside and rebuilt); standard error by default.</summary>
    public Action<string> Warn { get; init; } = Console.Error.WriteLine;
}
