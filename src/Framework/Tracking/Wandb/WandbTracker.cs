using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// Streams a run to Weights &amp; Biases. Every call only enqueues (a bounded channel) and returns; a background pump
/// creates the run (<c>Viewer</c>, <c>UpsertBucket</c>), uploads images and files (<c>CreateRunFiles</c> + PUT) and sends
/// history, summary and heartbeats over file_stream with wandb's retry policy. <see cref="Finish"/> and
/// <see cref="Dispose"/> wait until everything queued has been acknowledged, so no metric is lost to shutdown.
/// If the server cannot be used (a rejected key, retries exhausted) the tracker reports it once, records
/// <see cref="Failure"/> and discards further data: the local sinks of the <see cref="CompositeTracker"/> keep
/// everything and <see cref="WandbSync"/> can replay it.
/// </summary>
public sealed class WandbTracker : ITracker, IDisposable
{
    abstract record Entry;
    sealed record Metrics(Dictionary<string, double> Values, long Step, DateTimeOffset At) : Entry;
    sealed record Image(string Key, byte[] Png, long Step, DateTimeOffset At) : Entry;
    sealed record Summary(string Key, double Value) : Entry;
    sealed record RunFile(string RunRelativePath, string LocalPath) : Entry;

    readonly WandbApi api;
    readonly WandbTrackerOptions options;
    readonly string? configJson;
    readonly Channel<Entry> queue;
    readonly CancellationTokenSource finishing = new();
    readonly CancellationTokenSource abort = new();
    readonly CancellationTokenSource stop = new();
    readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    readonly JsonObject summary = [];
    readonly Lock gate = new();
    readonly Task pump;
    int? exitCode;
    bool closed;

    /// <summary>Starts the run in the background; <paramref name="configJson"/> (a JSON object) becomes the run config.</summary>
    public WandbTracker(WandbSettings settings, string? configJson = null, WandbTrackerOptions? options = null)
    {
        this.options = options ?? new WandbTrackerOptions();
        api = new WandbApi(settings, this.options.Client);
        this.configJson = configJson;
        queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(this.options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        pump = Task.Run(PumpAsync);
    }

    /// <summary>The run as the server knows it, once created.</summary>
    public WandbBucket? Run { get; private set; }

    /// <summary>Why the tracker gave up on the server (null while it works).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Cancelled when the server says a stop was requested from the UI; link it into the training loop's token to obey.</summary>
    public CancellationToken StopRequested => stop.Token;

    /// <inheritdoc />
    public void Log(IReadOnlyDictionary<string, double> metrics, long step) => Enqueue(new Metrics(new(metrics), step, DateTimeOffset.UtcNow));

    /// <inheritdoc />
    public void LogImage(string key, byte[] png, long step) => Enqueue(new Image(key, png, step, DateTimeOffset.UtcNow));

    /// <inheritdoc />
    public void SetSummary(string key, double value) => Enqueue(new Summary(key, value));

    /// <summary>Uploads a file (a checkpoint, say) as <paramref name="runRelativePath"/>; it is read when its turn comes, off the training thread.</summary>
    public void SaveFile(string runRelativePath, string localPath) => Enqueue(new RunFile(runRelativePath, localPath));

    /// <summary>Sends everything queued, then <c>complete</c> with <paramref name="exitCode"/>; returns when done or after the finish timeout.</summary>
    public void Finish(int exitCode) => Close(exitCode);

    /// <summary>Sends everything queued (without marking the run complete if <see cref="Finish"/> was not called) and releases the client.</summary>
    public void Dispose()
    {
        Close(null);
        api.Dispose();
        finishing.Dispose();
        abort.Dispose();
        stop.Dispose();
    }

    void Enqueue(Entry entry)
    {
        if (queue.Writer.TryWrite(entry)) return;
        try
        {
            queue.Writer.WriteAsync(entry).AsTask().GetAwaiter().GetResult(); // full: back-pressure rather than loss
        }
        catch (ChannelClosedException)
        {
            // logged after Finish: nothing to send it with
        }
    }

    void Close(int? code)
    {
        lock (gate)
        {
            if (closed) return;
            closed = true;
            exitCode = code;
        }
        queue.Writer.TryComplete();
        finishing.Cancel();
        if (pump.Wait(options.FinishTimeout)) return;
        abort.Cancel();
        pump.Wait(TimeSpan.FromSeconds(5));
        api.Options.Warn($"W&B: gave up after {options.FinishTimeout} with data unsent; the run folder has it all: replay it with `sync RUN-DIR` (WANDB_FINISH_TIMEOUT waits longer)");
    }

    async Task PumpAsync()
    {
        try
        {
            var entity = api.Settings.Entity ?? await api.ViewerEntityAsync(abort.Token);
            Run = await api.UpsertBucketAsync(entity, configJson, abort.Token);
            var stream = new WandbFileStream(api, Run, options.MaxLinesPerRequest);
            while (await WaitForEntriesAsync(stream))
            {
                while (queue.Reader.TryRead(out var entry)) await ApplyAsync(stream, entry);
                await stream.FlushAsync(abort.Token);
                if (stream.StopRequested) stop.Cancel();
                await PauseAsync();
            }
            if (exitCode is { } code) await stream.CompleteAsync(code, abort.Token);
            else await stream.FlushAsync(abort.Token);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Close timed out; it reports
        }
        catch (Exception error)
        {
            Failure = error;
            api.Options.Warn($"W&B: {error.Message}; the run continues locally (replay it later with WandbSync)");
            await foreach (var _ in queue.Reader.ReadAllAsync()) { }
        }
    }

    /// <summary>Waits for the next entries, sending a heartbeat whenever the stream has been idle for the interval; false once the queue is closed and empty.</summary>
    async Task<bool> WaitForEntriesAsync(WandbFileStream stream)
    {
        while (true)
        {
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
            beat.CancelAfter(options.HeartbeatInterval);
            try
            {
                return await queue.Reader.WaitToReadAsync(beat.Token);
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
                await stream.HeartbeatAsync(abort.Token);
                if (stream.StopRequested) stop.Cancel();
            }
        }
    }

    async Task PauseAsync()
    {
        if (options.FlushInterval <= TimeSpan.Zero || finishing.IsCancellationRequested) return;
        try
        {
            await Task.Delay(options.FlushInterval, finishing.Token);
        }
        catch (OperationCanceledException)
        {
            // finishing: drain at once
        }
    }

    async Task ApplyAsync(WandbFileStream stream, Entry entry)
    {
        switch (entry)
        {
            case Metrics metrics:
                foreach (var (key, value) in metrics.Values) summary[key] = value;
                AddHistory(stream, metrics.Values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))), metrics.Step, metrics.At);
                break;
            case Summary set:
                summary[set.Key] = set.Value;
                stream.SetSummary(summary.ToJsonString(HistoryLine.JsonOptions));
                break;
            case Image image:
                var hash = Convert.ToHexStringLower(SHA256.HashData(image.Png));
                var path = $"media/images/{FileNames.Safe(image.Key)}_{image.Step.ToString(CultureInfo.InvariantCulture)}_{hash[..20]}.png";
                if (!await TryUploadAsync(stream, path, () => image.Png)) break;
                var header = PngHeader.Read(image.Png);
                var imageValue = new JsonObject
                {
                    ["_type"] = "image-file", ["path"] = path, ["sha256"] = hash, ["size"] = image.Png.Length,
                    ["format"] = "png", ["width"] = header.Width, ["height"] = header.Height,
                };
                AddHistory(stream, [KeyValuePair.Create(image.Key, (JsonNode?)imageValue)], image.Step, image.At);
                break;
            case RunFile file:
                await TryUploadAsync(stream, file.RunRelativePath, () => File.ReadAllBytes(file.LocalPath));
                break;
        }
    }

    void AddHistory(WandbFileStream stream, IEnumerable<KeyValuePair<string, JsonNode?>> values, long step, DateTimeOffset at)
    {
        var line = HistoryLine.Create(values, step, started, at);
        stream.AddHistory(line);
        foreach (var (key, value) in JsonNode.Parse(line)!.AsObject()) summary[key] = value?.DeepClone();
        stream.SetSummary(summary.ToJsonString(HistoryLine.JsonOptions));
    }

    /// <summary>Uploads one file; a failure other than a rejected key costs only that file (the run folder still has it).</summary>
    async Task<bool> TryUploadAsync(WandbFileStream stream, string path, Func<byte[]> content)
    {
        try
        {
            await api.UploadFileAsync(Run!, path, content(), abort.Token);
            stream.AddUploaded(path);
            return true;
        }
        catch (Exception error) when (error is (WandbException and not WandbAuthenticationException) or IOException)
        {
            api.Options.Warn($"W&B: could not upload {path} ({error.Message}); it stays in the run folder");
            return false;
        }
    }
}
