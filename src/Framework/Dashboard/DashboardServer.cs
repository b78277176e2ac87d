using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Research.Framework.Tracking;
using Research.Framework.Tracking.RunIndex;

namespace Research.Framework.Dashboard;

/// <summary>
/// The local web UI over a runs folder: Kestrel on 127.0.0.1 only, the page and its script and style from resources
/// in this assembly (nothing from the network), and JSON endpoints (<see cref="DashboardApi"/>) over the
/// <see cref="RunStore"/> that the page polls while runs go. When the index is missing but run folders exist, it is
/// rebuilt from them first.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>
    /// What the page may load: only this server (no CDN, no inline script), so a config value that slips past escaping
    /// still cannot run or fetch anything.
    /// </summary>
    const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    readonly WebApplication app;
    readonly RunStore store;

    DashboardServer(WebApplication app, RunStore store, Uri url)
    {
        this.app = app;
        this.store = store;
        Url = url;
    }

    /// <summary>The address the dashboard serves on (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Url { get; }

    /// <summary>Cancelled when the host is asked to stop (Ctrl-C or SIGTERM to the process).</summary>
    public CancellationToken Stopping => app.Lifetime.ApplicationStopping;

    /// <summary>
    /// Opens (rebuilding when needed) the index of <see cref="DashboardOptions.RunsFolder"/> and starts serving.
    /// Throws <see cref="IOException"/> when the port is taken.
    /// </summary>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken cancel = default)
    {
        var runsFolder = Path.GetFullPath(options.RunsFolder);
        var store = RunStore.OpenOrRebuild(runsFolder, options.Warn);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
            // A diverged loss is NaN or Infinity; the page reads the named literals with Number().
            builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
            var app = builder.Build();
            app.Use(Guard);
            new DashboardApi(store, runsFolder, options.CrashedAfter).Map(app);
            await app.StartAsync(cancel);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new DashboardServer(app, store, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        store.Dispose();
    }

    /// <summary>
    /// Answers only requests addressed to this machine by name (a web page elsewhere cannot reach it through DNS
    /// rebinding) and sends the security headers with every response.
    /// </summary>
    static Task Guard(HttpContext context, Func<Task> next)
    {
        // Every reply carries the headers, a refusal included: it is a page a browser may render too.
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        if (!IsLoopbackName(context.Request.Host.Host))
        {
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            // The Host header is not echoed: it is the attacker's text.
            return context.Response.WriteAsync("The dashboard answers only requests to 127.0.0.1, [::1] or localhost.");
        }
        return next();
    }

    /// <summary>Host names are case-insensitive (RFC 4343), so LOCALHOST is this machine too.</summary>
    static bool IsLoopbackName(string host) =>
        host is "127.0.0.1" or "[::1]" or "::1" || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
}
