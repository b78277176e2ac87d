using System.Net;
using System.Text.Json.Nodes;
using RestSharp;
using RestSharp.Authenticators;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// The W&amp;B HTTP protocol over RestSharp: GraphQL (<c>Viewer</c>, <c>UpsertBucket</c>, <c>CreateRunFiles</c>), file_stream
/// posts and PUTs to signed upload URLs, each with its channel's retry policy. Basic auth (user <c>api</c>) goes only
/// to the W&amp;B server: signed URLs are another host's and must not see the key. Messages never contain the key.
/// </summary>
public sealed class WandbApi : IDisposable
{
    readonly RestClient server;
    readonly RestClient uploads;

    /// <summary>A client for <paramref name="settings"/>; throws if no API key is set.</summary>
    public WandbApi(WandbSettings settings, WandbClientOptions? options = null)
    {
        if (settings.ApiKey is null) throw new ArgumentException("WANDB_API_KEY is not set", nameof(settings));
        Settings = settings;
        Options = options ?? new WandbClientOptions();
        server = new RestClient(new RestClientOptions(settings.BaseUrl)
        {
            Authenticator = new HttpBasicAuthenticator("api", settings.ApiKey),
            UserAgent = UserAgent,
        });
        uploads = new RestClient(new RestClientOptions { UserAgent = UserAgent });
    }

    /// <summary>Sent with every request.</summary>
    public const string UserAgent = "Research.Framework W&B client";

    /// <summary>The settings (base URL, key, run identity).</summary>
    public WandbSettings Settings { get; }

    /// <summary>Retry policies, delay and warning sink.</summary>
    public WandbClientOptions Options { get; }

    /// <summary>The key's default entity (and a check that the key works).</summary>
    public async Task<string?> ViewerEntityAsync(CancellationToken cancel)
    {
        var data = await GraphQlAsync(WandbGraphQl.Viewer, new JsonObject(), Options.GraphQl, cancel);
        return data?["viewer"]?["entity"]?.GetValue<string>();
    }

    /// <summary>Creates the run (or updates it: the run id is the key) with its config, tags, group and job type.</summary>
    public async Task<WandbBucket> UpsertBucketAsync(string? entity, string? configJson, CancellationToken cancel)
    {
        var variables = new JsonObject
        {
            ["name"] = Settings.RunId,
            ["project"] = Settings.Project,
            ["entity"] = entity,
            ["groupName"] = Settings.Group,
            ["displayName"] = Settings.DisplayName,
            ["notes"] = Settings.Notes,
            ["jobType"] = Settings.JobType,
            ["tags"] = new JsonArray([.. Settings.Tags.Select(tag => (JsonNode?)tag)]),
            ["config"] = WandbConfig.Serialize(configJson),
            ["host"] = Environment.MachineName,
        };
        var data = await GraphQlAsync(WandbGraphQl.UpsertBucket, variables, Options.UpsertBucket, cancel);
        var bucket = data?["upsertBucket"]?["bucket"] ?? throw new WandbException("UpsertBucket answered without a bucket");
        return new WandbBucket(
            bucket["id"]?.GetValue<string>() ?? "",
            bucket["name"]?.GetValue<string>() ?? Settings.RunId,
            bucket["project"]?["entity"]?["name"]?.GetValue<string>() ?? entity ?? throw new WandbException("UpsertBucket answered without an entity"),
            bucket["project"]?["name"]?.GetValue<string>() ?? Settings.Project,
            bucket["historyLineCount"]?.GetValue<long>() ?? 0);
    }

    /// <summary>Uploads one run file: <c>CreateRunFiles</c> for a signed URL, then a PUT of the bytes with the returned headers and no W&amp;B credentials.</summary>
    public async Task UploadFileAsync(WandbBucket run, string runRelativePath, byte[] content, CancellationToken cancel)
    {
        var variables = new JsonObject { ["entity"] = run.Entity, ["project"] = run.Project, ["run"] = run.RunId, ["files"] = new JsonArray(runRelativePath) };
        var data = await GraphQlAsync(WandbGraphQl.CreateRunFiles, variables, Options.GraphQl, cancel);
        var created = data?["createRunFiles"];
        var url = created?["files"]?.AsArray().FirstOrDefault(file => file?["name"]?.GetValue<string>() == runRelativePath)?["uploadUrl"]?.GetValue<string>()
            ?? throw new WandbException($"CreateRunFiles gave no upload URL for {runRelativePath}");
        var headers = created?["uploadHeaders"]?.AsArray().Select(header => header?.GetValue<string>()).OfType<string>().ToList() ?? [];
        await SendAsync(uploads, () =>
        {
            var request = new RestRequest(new Uri(url), Method.Put);
            var contentType = "application/octet-stream";
            foreach (var header in headers)
            {
                var colon = header.IndexOf(':');
                if (colon <= 0) continue;
                var (name, value) = (header[..colon].Trim(), header[(colon + 1)..].Trim());
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
                else request.AddHeader(name, value);
            }
            request.AddBody(content, contentType);
            return request;
        }, Options.Upload, "upload " + runRelativePath, cancel);
    }

    /// <summary>Posts one file_stream request and returns the server's answer (which may say <c>"stopped": true</c>).</summary>
    public async Task<JsonNode?> FileStreamAsync(WandbBucket run, JsonObject body, CancellationToken cancel)
    {
        var json = body.ToJsonString(HistoryLine.JsonOptions);
        var resource = $"files/{Uri.EscapeDataString(run.Entity)}/{Uri.EscapeDataString(run.Project)}/{Uri.EscapeDataString(run.RunId)}/file_stream";
        var response = await SendAsync(server, () => new RestRequest(resource, Method.Post).AddStringBody(json, ContentType.Json), Options.FileStream, "file_stream", cancel);
        return ParseOrNull(response.Content);
    }

    async Task<JsonNode?> GraphQlAsync(string query, JsonObject variables, WandbRetryPolicy policy, CancellationToken cancel)
    {
        var json = new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString();
        var operation = query.Split(['(', '{', ' '], StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault() ?? "graphql";
        var response = await SendAsync(server, () => new RestRequest("graphql", Method.Post).AddStringBody(json, ContentType.Json), policy, operation, cancel);
        var answer = ParseOrNull(response.Content) ?? throw new WandbException($"{operation}: the answer is not JSON");
        if (answer["errors"] is JsonArray { Count: > 0 } errors)
            throw new WandbException($"{operation}: {string.Join("; ", errors.Select(error => error?["message"]?.GetValue<string>()))}");
        return answer["data"];
    }

    /// <summary>Sends with retries: another try for retryable statuses and for no answer at all, waiting the policy's backoff or the server's Retry-After.</summary>
    async Task<RestResponse> SendAsync(RestClient client, Func<RestRequest> build, WandbRetryPolicy policy, string what, CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            var request = build();
            request.Timeout = policy.AttemptTimeout;
            var response = await client.ExecuteAsync(request, cancel);
            cancel.ThrowIfCancellationRequested();
            var status = (int)response.StatusCode; // 0 when no answer came (RestSharp marks non-2xx answers as errors too)
            if (status is >= 200 and < 300) return response;
            if (status is (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden) throw new WandbAuthenticationException(status, Settings.BaseUrl);
            var problem = status == 0 ? $"no answer ({response.ResponseStatus}: {response.ErrorException?.Message})" : $"HTTP {status}";
            if (!policy.ShouldRetry(status)) throw new WandbException($"W&B {what}: {problem}, not retried", status);
            if (attempt >= policy.MaxRetries) throw new WandbException($"W&B {what}: {problem} after {attempt + 1} tries", status == 0 ? null : status, response.ErrorException);
            var retryAfter = WandbRetryPolicy.ParseRetryAfter(response.Headers?.FirstOrDefault(h => string.Equals(h.Name, "Retry-After", StringComparison.OrdinalIgnoreCase))?.Value, DateTimeOffset.UtcNow);
            var wait = policy.Backoff(attempt, Options.Jitter(), retryAfter);
            Options.Warn($"W&B {what}: {problem}; retry {attempt + 1}/{policy.MaxRetries} in {wait.TotalSeconds:F1} s");
            await Options.Delay(wait, cancel);
        }
    }

    static JsonNode? ParseOrNull(string? content)
    {
        if (string.IsNullOrWhiteSpace(content)) return null;
        try
        {
            return JsonNode.Parse(content);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        server.Dispose();
        uploads.Dispose();
    }
}
