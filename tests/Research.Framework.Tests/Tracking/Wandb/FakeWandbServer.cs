using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Research.Framework.Tests.Tracking.Wandb;

/// <summary>
/// An in-process W&amp;B backend on loopback (Kestrel, whose <c>Abort</c> really drops the connection), after wandb's own <c>wandb_backend_spy</c>: GraphQL by operation name,
/// file_stream lines stored by offset (so a resent chunk overwrites, as on the real server), uploads to URLs that
/// point back here. It checks the protocol (Basic auth <c>api:key</c> on W&amp;B requests, config as a JSON string,
/// nothing after <c>complete</c>) and injects faults per route: a status (with Retry-After), or a dropped
/// connection before or after the request took effect.
/// </summary>
sealed class FakeWandbServer : IDisposable
{
    public sealed record Received(string Method, string Route, string Path, string? Authorization, string Body);

    sealed record Fault(int Status, string? RetryAfter, bool Drop, bool AfterProcessing);

    readonly WebApplication app;
    readonly Dictionary<string, Queue<Fault>> faults = [];
    readonly Lock gate = new();

    public FakeWandbServer(string apiKey)
    {
        ApiKey = apiKey;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.Run(HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public string ApiKey { get; }
    public string BaseUrl { get; }
    public string Entity { get; set; } = "fake-entity";
    public long HistoryLineCount { get; set; }
    public bool Stopped { get; set; }

    /// <summary>Held open until completed, for file_stream requests (a stalled server).</summary>
    public TaskCompletionSource? HoldFileStream { get; set; }

    public List<Received> Requests { get; } = [];
    public SortedDictionary<long, string> History { get; } = [];
    public List<JsonObject> FileStreamBodies { get; } = [];
    public List<JsonObject> Upserts { get; } = [];
    public string? Summary { get; private set; }
    public List<string> Announced { get; } = [];
    public Dictionary<string, byte[]> Uploads { get; } = [];
    public Dictionary<string, string?> UploadAuthorization { get; } = [];
    public Dictionary<string, string?> UploadExtraHeader { get; } = [];
    public int? ExitCode { get; private set; }
    public bool Complete { get; private set; }
    public List<string> Violations { get; } = [];

    public void Inject(string route, int count, int status, string? retryAfter = null) => Add(route, count, new Fault(status, retryAfter, false, false));

    public void InjectDrop(string route, int count, bool afterProcessing) => Add(route, count, new Fault(0, null, true, afterProcessing));

    public int Count(string route)
    {
        lock (gate) return Requests.Count(r => r.Route == route);
    }

    /// <summary>The stored history lines as JSON objects, in offset order; throws if an offset is missing.</summary>
    public List<JsonObject> HistoryRows()
    {
        lock (gate)
        {
            var keys = History.Keys.ToList();
            if (keys.Count > 0 && (keys[0] != HistoryLineCount || keys[^1] != HistoryLineCount + keys.Count - 1))
                throw new InvalidOperationException($"history has gaps: offsets {string.Join(",", keys)}");
            return [.. History.Values.Select(line => JsonNode.Parse(line)!.AsObject())];
        }
    }

    void Add(string route, int count, Fault fault)
    {
        lock (gate)
        {
            if (!faults.TryGetValue(route, out var queue)) faults[route] = queue = new();
            for (var i = 0; i < count; i++) queue.Enqueue(fault);
        }
    }

    async Task HandleAsync(HttpContext context)
    {
        try
        {
            var request = context.Request;
            var raw = new MemoryStream();
            await request.Body.CopyToAsync(raw);
            var body = Encoding.UTF8.GetString(raw.ToArray());
            var path = request.Path.Value!;
            var route = path == "/graphql" ? Operation(body)
                : path.EndsWith("/file_stream", StringComparison.Ordinal) ? "file_stream"
                : path.StartsWith("/upload/", StringComparison.Ordinal) ? "upload" : "unknown";
            Fault? fault;
            lock (gate)
            {
                Requests.Add(new Received(request.Method, route, path, request.Headers.Authorization.FirstOrDefault(), body));
                fault = faults.TryGetValue(route, out var queue) && queue.Count > 0 ? queue.Dequeue() : null;
            }
            if (fault is { Drop: true, AfterProcessing: false })
            {
                context.Abort();
                return;
            }
            if (fault is { Drop: false })
            {
                if (fault.RetryAfter is not null) context.Response.Headers["Retry-After"] = fault.RetryAfter;
                await Respond(context, fault.Status, "{\"error\": \"injected\"}");
                return;
            }
            if (route != "upload" && request.Headers.Authorization.FirstOrDefault() != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:" + ApiKey)))
            {
                await Respond(context, 401, "{\"errors\": [{\"message\": \"unauthorized\"}]}");
                return;
            }
            if (route == "file_stream" && HoldFileStream is { } hold) await hold.Task;
            var answer = route switch
            {
                "Viewer" => new JsonObject { ["data"] = new JsonObject { ["viewer"] = new JsonObject { ["id"] = "VXNlcjox", ["entity"] = Entity, ["username"] = "tester" } } }.ToJsonString(),
                "UpsertBucket" => Upsert(body),
                "CreateRunFiles" => CreateRunFiles(body),
                "file_stream" => FileStream(body),
                "upload" => Upload(request, raw.ToArray()),
                _ => null,
            };
            if (fault is { AfterProcessing: true })
            {
                context.Abort();
                return;
            }
            await Respond(context, answer is null ? 404 : 200, answer ?? "{}");
        }
        catch (Exception error)
        {
            lock (gate) Violations.Add("server error: " + error.Message);
            context.Abort();
        }
    }

    static string Operation(string body)
    {
        var query = JsonNode.Parse(body)!["query"]!.GetValue<string>();
        return query.Split(['(', '{', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[1];
    }

    string Upsert(string body)
    {
        var variables = JsonNode.Parse(body)!["variables"]!.AsObject();
        lock (gate)
        {
            if (variables["config"] is not JsonValue config || config.GetValueKind() != System.Text.Json.JsonValueKind.String)
                Violations.Add("UpsertBucket config is not a JSON string");
            Upserts.Add(variables);
        }
        var entity = variables["entity"]?.GetValue<string>() ?? Entity;
        return new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["upsertBucket"] = new JsonObject
                {
                    ["bucket"] = new JsonObject
                    {
                        ["id"] = "UnVuOnYx", ["name"] = variables["name"]?.GetValue<string>(), ["historyLineCount"] = HistoryLineCount,
                        ["project"] = new JsonObject { ["id"] = "UHJvamVjdDox", ["name"] = variables["project"]?.GetValue<string>(), ["entity"] = new JsonObject { ["id"] = "RW50aXR5OjE=", ["name"] = entity } },
                    },
                    ["inserted"] = true,
                },
            },
        }.ToJsonString();
    }

    string CreateRunFiles(string body)
    {
        var files = JsonNode.Parse(body)!["variables"]!["files"]!.AsArray().Select(f => f!.GetValue<string>());
        return new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["createRunFiles"] = new JsonObject
                {
                    ["runID"] = "UnVuOnYx",
                    ["uploadHeaders"] = new JsonArray("X-Fake-Signed:yes"),
                    ["files"] = new JsonArray([.. files.Select(name => (JsonNode?)new JsonObject { ["name"] = name, ["uploadUrl"] = $"{BaseUrl}/upload/{Uri.EscapeDataString(name)}?signature=abc" })]),
                },
            },
        }.ToJsonString();
    }

    string FileStream(string body)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        lock (gate)
        {
            FileStreamBodies.Add(request);
            if (Complete && request["files"] is not null) Violations.Add("file_stream request after complete: " + body);
            if (request["files"]?["wandb-history.jsonl"] is { } history)
            {
                var offset = history["offset"]!.GetValue<long>();
                var lines = history["content"]!.AsArray();
                for (var i = 0; i < lines.Count; i++)
                {
                    if (lines[i]!.GetValueKind() != System.Text.Json.JsonValueKind.String) Violations.Add("history content element is not a string");
                    History[offset + i] = lines[i]!.GetValue<string>();
                }
            }
            if (request["files"]?["wandb-summary.json"] is { } summary)
            {
                if (summary["offset"]!.GetValue<long>() != 0 || summary["content"]!.AsArray().Count != 1) Violations.Add("summary is not one line at offset 0");
                Summary = summary["content"]![0]!.GetValue<string>();
            }
            if (request["uploaded"] is JsonArray uploaded) Announced.AddRange(uploaded.Select(u => u!.GetValue<string>()));
            if (request["complete"]?.GetValue<bool>() == true)
            {
                Complete = true;
                ExitCode = request["exitcode"]!.GetValue<int>();
            }
        }
        return Stopped ? """{"exitcode": null, "limits": {}, "stopped": true}""" : """{"exitcode": null, "limits": {}}""";
    }

    string Upload(HttpRequest request, byte[] body)
    {
        var name = Uri.UnescapeDataString(request.Path.Value!["/upload/".Length..]);
        lock (gate)
        {
            Uploads[name] = body;
            UploadAuthorization[name] = request.Headers.Authorization.FirstOrDefault();
            UploadExtraHeader[name] = request.Headers["X-Fake-Signed"].FirstOrDefault();
        }
        return "";
    }

    static async Task Respond(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public void Dispose()
    {
        HoldFileStream?.TrySetResult();
        app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)app).Dispose();
    }
}
