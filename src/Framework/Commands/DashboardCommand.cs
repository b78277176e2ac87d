using System.Globalization;
using Research.Framework.Dashboard;

namespace Research.Framework.Commands;

/// <summary>
/// `dashboard [--port N] [--runs-dir DIR]`: serves the local web UI over a runs folder on 127.0.0.1 until Ctrl-C.
/// </summary>
internal static class DashboardCommand
{
    public const string Usage = "dashboard [--port N] [--runs-dir DIR]";

    /// <summary>The port when none is given.</summary>
    public const int DefaultPort = 5080;

    static readonly CommandSyntax Syntax = new("dashboard", Usage,
    [
        new("--port", "N", Missing: "must be a whole number from 1 to 65535 (or 0 for any free port), not ''"),
        new("--runs-dir", "DIR", Missing: "needs a folder"),
    ]);

    /// <summary>Reads the options (usage errors name what was wrong and what is allowed).</summary>
    public static DashboardOptions Parse(IReadOnlyList<string> arguments)
    {
        var parsed = ArgumentReader.Read(Syntax, arguments);
        var runs = parsed["--runs-dir"] ?? "runs";
        if (runs.Length == 0) throw new UsageException($"dashboard: --runs-dir needs a folder. Usage: {Usage}");
        return new DashboardOptions(runs) { Port = parsed["--port"] is { } port ? Port(port) : DefaultPort };
    }

    /// <summary>Serves until Ctrl-C or SIGTERM (the host's console lifetime) or <paramref name="cancel"/>; prints the URL first.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output, CancellationToken cancel = default) =>
        Serve(Parse(arguments), output, cancel).GetAwaiter().GetResult();

    static async Task<int> Serve(DashboardOptions options, TextWriter output, CancellationToken stop)
    {
        DashboardServer server;
        try
        {
            server = await DashboardServer.StartAsync(options, stop);
        }
        catch (IOException error) when (error.InnerException is System.Net.Sockets.SocketException || error.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"dashboard: port {options.Port} on 127.0.0.1 is taken ({error.Message}); pass --port with another number, or --port 0 for any free port.");
        }
        await using (server)
        {
            output.WriteLine($"dashboard: {server.Url} (runs in {Path.GetFullPath(options.RunsFolder)}); Ctrl-C stops it");
            output.Flush();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, server.Stopping);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
            }
            output.WriteLine("dashboard: stopped");
        }
        return 0;
    }

    static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new UsageException($"dashboard: --port must be a whole number from 1 to 65535 (or 0 for any free port), not '{text}'.");
}
