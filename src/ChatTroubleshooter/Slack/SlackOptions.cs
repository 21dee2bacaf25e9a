using System.ComponentModel.DataAnnotations;
using ChatTroubleshooter.Http;

namespace ChatTroubleshooter.Slack;

/// <summary>Slack settings (environment form: <c>Slack__SigningSecret</c>, <c>Slack__BotToken</c>…).</summary>
public sealed class SlackOptions : IValidatableObject
{
    public const string Section = "Slack";

    /// <summary>Without it every Slack request is refused (fail closed).</summary>
    public string? SigningSecret { get; set; }

    public string? BotToken { get; set; }

    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>A <c>response_url</c> outside these prefixes is never called (SSRF guard).</summary>
#pragma warning disable CA1002, CA2227 // Bound from configuration.
    public List<string> AllowedResponseUrlPrefixes { get; set; } = [];
#pragma warning restore CA1002, CA2227

    /// <summary>Requests larger than this are refused before they are read.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long an event_id is remembered, so Slack's retries are answered once.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan EventDedupeWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// An app-level token (<c>xapp-…</c>, scope <c>connections:write</c>): turns Socket Mode on. Slack then sends
    /// everything over WebSockets the bot opens, and no public URL is needed.
    /// </summary>
    public string? AppToken { get; set; }

    /// <summary>Socket Mode connections kept open, so that one can be replaced without a gap (Slack allows 10).</summary>
    [Range(1, 10)]
    public int SocketConnections { get; set; } = 2;

    /// <summary>Socket Mode's ping interval; a connection whose pong does not come within twice this is replaced.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SocketKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unfurls also carry what they found as a Work Object entity (<c>chat.unfurl</c>'s <c>metadata</c>), for other apps
    /// and workflows. Off by default: Work Objects are a feature an app turns on in its settings, and an unfurl Slack
    /// refused for its metadata would not show at all.
    /// </summary>
    public bool WorkObjectUnfurls { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(SigningSecret);

    public bool UsesSocketMode => !string.IsNullOrWhiteSpace(AppToken);

    /// <summary>The default prefix, used when none is configured.</summary>
    public IReadOnlyList<string> ResponseUrlPrefixes => AllowedResponseUrlPrefixes.Count > 0 ? AllowedResponseUrlPrefixes : ["https://hooks.slack.com/"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UrlRules.IsHttpsOrLoopbackHttp(ApiBaseUrl))
        {
            yield return new ValidationResult("Slack:ApiBaseUrl must be an absolute https URL (http only for loopback).", [nameof(ApiBaseUrl)]);
        }

        if (UsesSocketMode && !AppToken!.StartsWith("xapp-", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Slack:AppToken must be an app-level token (xapp-…), not a bot (xoxb-) or user token.", [nameof(AppToken)]);
        }

        foreach (var prefix in ResponseUrlPrefixes)
        {
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !prefix.EndsWith('/'))
            {
                yield return new ValidationResult($"Slack:AllowedResponseUrlPrefixes: '{prefix}' must be an https URL ending in '/'.", [nameof(AllowedResponseUrlPrefixes)]);
            }
        }
    }

    public override string ToString() => $"Slack {{ ApiBaseUrl = {ApiBaseUrl}, SigningSecret = {(IsEnabled ? "set" : "none")}, AppToken = {(UsesSocketMode ? "set" : "none")}, BotToken = {(string.IsNullOrWhiteSpace(BotToken) ? "none" : "set")} }}";
}
