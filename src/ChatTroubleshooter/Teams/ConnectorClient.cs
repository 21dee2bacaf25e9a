using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// Bot → Connector REST calls ("Send and receive messages with the Bot Connector API"): reply, update, typing.
/// Bearer token from the client-credentials flow, cached until shortly before it expires; 429/412/502/504 are
/// retried by the HTTP pipeline honouring Retry-After (see <see cref="TeamsExtensions"/>).
/// </summary>
internal sealed class ConnectorClient(HttpClient http, ConnectorTokenProvider tokens, IOptions<TeamsOptions> options, ILogger<ConnectorClient> logger)
{
    public async Task<string?> ReplyAsync(string serviceUrl, string conversationId, string? replyToId, JsonObject activity, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, Url(serviceUrl, conversationId, replyToId), activity, ct))?.Id;

    public async Task<string?> UpdateAsync(string serviceUrl, string conversationId, string activityId, JsonObject activity, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Put, Url(serviceUrl, conversationId, activityId), activity, ct))?.Id;

    /// <summary>
    /// A new post in a Teams channel (a thread of its own), proactively: <c>POST /v3/conversations</c> with the channel
    /// in <c>channelData</c> and the first activity. Returns the new activity's id (its thread's root).
    /// </summary>
    public async Task<string?> PostInChannelAsync(string serviceUrl, string channelId, string? tenantId, JsonObject activity, CancellationToken ct)
    {
        var parameters = new JsonObject
        {
            ["isGroup"] = true,
            ["channelData"] = new JsonObject { ["channel"] = new JsonObject { ["id"] = channelId } },
            ["activity"] = activity,
        };
        if (tenantId is not null)
        {
            parameters["tenantId"] = tenantId;
            ((JsonObject)parameters["channelData"]!)["tenant"] = new JsonObject { ["id"] = tenantId };
        }

        var created = await SendAsync(HttpMethod.Post, $"{serviceUrl.TrimEnd('/')}/v3/conversations", parameters, ct);
        // The answer's id is the new thread's conversation id ("<channel>;messageid=<activity id>"); activityId names the post.
        if (created?.ActivityId is { } activityId)
        {
            return activityId;
        }

        return created?.Id?.Split(TeamsConversation.ThreadMarker) is [_, var root] ? root : null;
    }

    public Task TypingAsync(string serviceUrl, string conversationId, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Url(serviceUrl, conversationId, null), new JsonObject { ["type"] = "typing" }, ct);

    /// <summary>A service URL we may post to: https, or loopback only in anonymous (local development) mode.</summary>
    public bool IsAllowed(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.UserInfo)
        && (!options.Value.HasAppId
            ? uri.IsLoopback && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            : uri.Scheme == Uri.UriSchemeHttps);

    private static string Url(string serviceUrl, string conversationId, string? activityId) =>
        $"{serviceUrl.TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(conversationId)}/activities"
        + (activityId is null ? "" : "/" + Uri.EscapeDataString(activityId));

    /// <summary>Sends <paramref name="body"/>; the Connector's JSON answer, or null when it had none (or we refused the URL).</summary>
    private async Task<ConnectorResponse?> SendAsync(HttpMethod method, string url, JsonObject body, CancellationToken ct)
    {
        if (!IsAllowed(url))
        {
            logger.LogWarning("Refused to send to a service URL that is not allowed.");
            return null;
        }

        var json = body.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > options.Value.MaxMessageBytes)
        {
            throw new InvalidOperationException($"A Teams message of {json.Length} characters is over the {options.Value.MaxMessageBytes}-byte limit.");
        }

        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (await tokens.GetTokenAsync(ct) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Connector answered {(int)response.StatusCode} to {method}.", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength is 0 or null && response.StatusCode == System.Net.HttpStatusCode.Accepted)
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(TeamsJson.Default.ConnectorResponse, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Client-credentials tokens for the Connector (scope https://api.botframework.com/.default), cached.</summary>
internal sealed class ConnectorTokenProvider(HttpClient http, IOptions<TeamsOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Expires)? _cached;

    public async Task<string?> GetTokenAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (!o.HasAppId)
        {
            return null;
        }

        if (_cached is { } c && c.Expires - TimeSpan.FromMinutes(5) > time.GetUtcNow())
        {
            return c.Token;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && again.Expires - TimeSpan.FromMinutes(5) > time.GetUtcNow())
            {
                return again.Token;
            }

            using var response = await http.PostAsync(o.EffectiveTokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = o.AppId!,
                ["client_secret"] = o.AppPassword ?? "",
                ["scope"] = "https://api.botframework.com/.default",
            }), ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct) ?? [];
            var token = (string?)body["access_token"] ?? throw new HttpRequestException("The token endpoint returned no access_token.");
            var lifetime = body["expires_in"] is JsonValue v && v.TryGetValue<int>(out var seconds) ? seconds : 3600;
            _cached = (token, time.GetUtcNow().AddSeconds(lifetime));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
