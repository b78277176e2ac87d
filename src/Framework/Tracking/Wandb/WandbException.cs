namespace Research.Framework.Tracking.Wandb;

/// <summary>A W&amp;B request that failed for good (after the retries its channel allows, or at once when retrying cannot help).</summary>
public class WandbException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The last HTTP status, or null when no response came back.</summary>
    public int? StatusCode { get; } = statusCode;
}

/// <summary>
/// The server refused the API key (401) or its rights (403). Raised at the first answer, with no retries: a wrong key
/// will not get better, and hammering the server only locks the account out.
/// </summary>
public sealed class WandbAuthenticationException(int statusCode, string baseUrl)
    : WandbException($"W&B rejected the API key (HTTP {statusCode}) at {baseUrl}: check WANDB_API_KEY (and WANDB_BASE_URL for a private server)", statusCode);
