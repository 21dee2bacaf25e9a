using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Slack.SocketMode;

/// <summary>What <c>apps.connections.open</c> gave: a WebSocket URL, a failure to retry (after a delay), or one that retrying cannot fix.</summary>
internal abstract record ConnectionsOpen
{
    public sealed record Opened(Uri Url) : ConnectionsOpen;

    /// <summary>Worth another try, after <see cref="RetryAfter"/> when Slack said (HTTP 429).</summary>
    public sealed record Failed(string Reason, TimeSpan? RetryAfter) : ConnectionsOpen;

    /// <summary>The token is refused or is not an app-level token with <c>connections:write</c>: retrying cannot help.</summary>
    public sealed record Refused(string Reason) : ConnectionsOpen;
}

/// <summary><c>POST apps.connections.open</c> with the app-level token: the URL of a new Socket Mode WebSocket.</summary>
internal sealed class SlackConnectionsClient(HttpClient http, IOptions<SlackOptions> options)
{
    /// <summary>Slack's answers that say the token itself is wrong (retrying would be refused the same way).</summary>
    private static readonly HashSet<string> TokenErrors = new(StringComparer.Ordinal)
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type", "missing_scope", "no_permission",
    };

    public async Task<ConnectionsOpen> OpenAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "apps.connections.open") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.AppToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            return new ConnectionsOpen.Failed($"Slack could not be reached ({e.HttpRequestError})", null);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ConnectionsOpen.Failed("Slack did not answer in time", null);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // Tier 3; Retry-After is in seconds.
                return new ConnectionsOpen.Failed("rate limited (HTTP 429)", response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30));
            }

            if (!response.IsSuccessStatusCode)
            {
                return new ConnectionsOpen.Failed($"HTTP {(int)response.StatusCode}", null);
            }

            ConnectionsOpenResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync(SlackJson.Default.ConnectionsOpenResponse, ct);
            }
            catch (JsonException)
            {
                return new ConnectionsOpen.Failed("an answer that is not JSON", null);
            }

            return body switch
            {
                { Ok: true, Url: { } url } when Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsAllowed(uri) => new ConnectionsOpen.Opened(uri),
                { Ok: true } => new ConnectionsOpen.Failed("a connection URL that is not a wss:// URL", null),
                { Error: { } error } when TokenErrors.Contains(error) => new ConnectionsOpen.Refused(
                    $"Slack refused Slack__AppToken ({error}): it must be an app-level token (xapp-…) with the connections:write scope"),
                { Error: { } error } => new ConnectionsOpen.Failed(error, null),
                _ => new ConnectionsOpen.Failed("an answer without ok", null),
            };
        }
    }

    /// <summary>A WebSocket URL we connect to: wss, or ws on loopback when the Web API itself is on loopback (a local fake).</summary>
    private bool IsAllowed(Uri url) =>
        string.IsNullOrEmpty(url.UserInfo)
        && (url.Scheme == Uri.UriSchemeWss || (url.Scheme == Uri.UriSchemeWs && url.IsLoopback && options.Value.ApiBaseUrl.IsLoopback));
}
