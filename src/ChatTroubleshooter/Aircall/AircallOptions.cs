using System.ComponentModel.DataAnnotations;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Aircall;

/// <summary>Aircall Public API settings (environment form: <c>Aircall__BaseUrl</c>, <c>Aircall__ApiId</c>…).</summary>
public sealed class AircallOptions : IValidatableObject
{
    public const string Section = "Aircall";

    public Uri BaseUrl { get; set; } = new("https://api.aircall.io/v1/");

    public string? ApiId { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>Aircall's limit is per company and shared by every integration: 60/min in older docs, 120 in newer.</summary>
    [Range(1, 10_000)]
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>
    /// Lookups one user may have under way at once (each waits its turn for the rate limit); the next one is answered
    /// "you have N lookups waiting" at once instead of queueing behind them.
    /// </summary>
    [Range(1, 100)]
    public int MaxLookupsPerUser { get; set; } = 3;

    /// <summary>
    /// The tokens of this bot's Aircall webhooks (<c>Aircall__WebhookTokens__0</c>, <c>__1</c>… so one can be rotated):
    /// a webhook's envelope carries its token. None: <c>/aircall/webhooks</c> refuses everything.
    /// </summary>
#pragma warning disable CA1002, CA2227 // Bound from configuration.
    public List<string> WebhookTokens { get; set; } = [];
#pragma warning restore CA1002, CA2227

    /// <summary>Serve the built-in demo calls through the same client instead of calling Aircall.</summary>
    public bool Demo { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest we wait on a 429 before retrying (a longer reset is cut to this).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long call and number data are reused (one conversation never fetches the same call twice).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>When a call is not finished or ended less than a minute ago, look again after this delay.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NotReadyRecheckDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far back to search for another call of the same user that may overlap this one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ParallelSearchWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Whether any webhook token is set (without one, <c>/aircall/webhooks</c> refuses everything and no alert can come).</summary>
    public bool HasWebhookTokens => WebhookTokens.Any(t => !string.IsNullOrWhiteSpace(t));

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ApiId) && !string.IsNullOrWhiteSpace(ApiToken);

    /// <summary>The demo calls serve lookups: asked for, and no real credentials (real keys always win).</summary>
    public bool UsesDemo => Demo && !HasCredentials;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UrlRules.IsHttpsOrLoopbackHttp(BaseUrl))
        {
            yield return new ValidationResult("Aircall:BaseUrl must be an absolute https URL (http only for loopback).", [nameof(BaseUrl)]);
        }

        if (string.IsNullOrWhiteSpace(ApiId) != string.IsNullOrWhiteSpace(ApiToken))
        {
            yield return new ValidationResult("Aircall:ApiId and Aircall:ApiToken must be set together.", [nameof(ApiId), nameof(ApiToken)]);
        }
    }

    // Never let the token reach a log through ToString.
    public override string ToString() =>
        $"Aircall {{ BaseUrl = {BaseUrl}, Demo = {Demo}, Credentials = {(HasCredentials ? "set" : "none")}, WebhookTokens = {WebhookTokens.Count} }}";
}
