using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Slack;

/// <summary>A Slack Web API call that answered <c>{"ok":false}</c>.</summary>
public sealed class SlackApiException(string method, string error) : Exception($"Slack {method} failed: {error}")
{
    public string Error { get; } = error;
}

/// <summary>
/// The Slack Web API methods the bot uses (chat.postMessage, chat.update, users.info, auth.test), with the bot token as a Bearer header. 429s are retried after <c>Retry-After</c> by the
/// HTTP pipeline (see <see cref="SlackExtensions"/>).
/// </summary>
internal sealed class SlackApiClient(
    HttpClient http, SlackIdentityCache cache, IUserPreferenceStore preferences, IOptions<SlackOptions> options, ILogger<SlackApiClient> logger)
{
    /// <summary>
    /// The bot scopes the adapter needs, and what for: the Slack manifest asks for exactly these (a test checks).
    /// auth.test needs no scope.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RequiredScopes { get; } = new Dictionary<string, string>
    {
        ["commands"] = "the /norecording slash command",
        ["app_mentions:read"] = "app_mention events",
        ["im:history"] = "message.im events (direct messages)",
        ["chat:write"] = "chat.postMessage, chat.update",
        ["users:read"] = "users.info with include_locale (the user's language)",
        ["channels:history"] = "conversations.history/replies: finding a reply that went out before a take-over, so it is not posted twice",
        ["groups:history"] = "the same in private channels",
        ["mpim:history"] = "the same in group DMs (im:history covers DMs)",
        ["links:read"] = "link_shared events: Aircall call links shared in messages",
        ["links:write"] = "chat.unfurl: those links' recording status",
    };

    /// <summary>The message metadata's event type that carries a delivery's id, so a retry can find what went out.</summary>
    public const string DeliveryEventType = "chat_troubleshooter_delivery";

    /// <summary>The Events API events the adapter handles.</summary>
    public static IReadOnlyList<string> HandledEvents { get; } = ["app_mention", "message.im", "link_shared"];

    /// <param name="deliveryId">The outbox delivery's id, carried in the message's metadata (see <see cref="FindPostedAsync"/>).</param>
    public async Task<string?> PostMessageAsync(string channel, string? threadTs, JsonObject message, CancellationToken ct, string? deliveryId = null)
    {
        var body = (JsonObject)message.DeepClone();
        body["channel"] = channel;
        if (threadTs is not null)
        {
            body["thread_ts"] = threadTs;
        }

        if (deliveryId is not null)
        {
            // A message carries one metadata object: a diagnosis's (Cards.DiagnosisMetadata) gets the delivery id in its
            // payload; any other message a metadata of the delivery's own.
            if (body["metadata"] is JsonObject metadata && metadata["event_payload"] is JsonObject payload)
            {
                payload["delivery_id"] = deliveryId;
            }
            else
            {
                body["metadata"] = new JsonObject
                {
                    ["event_type"] = DeliveryEventType,
                    ["event_payload"] = new JsonObject { ["delivery_id"] = deliveryId },
                };
            }
        }

        body["unfurl_links"] = false;
        var result = await CallAsync("chat.postMessage", body, SlackApiJson.Default.SlackPostResponse, ct);
        return result.Ts;
    }

    /// <summary>
    /// Whether the bot's message of delivery <paramref name="deliveryId"/> is in the channel (its latest 100 messages) or the
    /// thread (its latest 200 replies): true or false, or null when Slack does not say (a missing scope, a channel the bot
    /// cannot read), and the caller cannot tell.
    /// </summary>
    public async Task<bool?> FindPostedAsync(string channel, string? threadTs, string deliveryId, CancellationToken ct)
    {
        var query = threadTs is null
            ? $"conversations.history?channel={Uri.EscapeDataString(channel)}&limit=100&include_all_metadata=true"
            : $"conversations.replies?channel={Uri.EscapeDataString(channel)}&ts={Uri.EscapeDataString(threadTs)}&limit=200&include_all_metadata=true";
        using var request = Request(HttpMethod.Get, query);
        using var response = await http.SendAsync(request, ct);
        var history = await response.Content.ReadFromJsonAsync(SlackApiJson.Default.SlackHistory, ct);
        if (!response.IsSuccessStatusCode || history is not { Ok: true, Messages: { } messages })
        {
            logger.LogWarning("Slack {Method} answered {Error}: cannot tell whether delivery {DeliveryId} went out.",
                query[..query.IndexOf('?', StringComparison.Ordinal)], history?.Error ?? $"http_{(int)response.StatusCode}", deliveryId);
            return null;
        }

        // Whatever the metadata's event type (a diagnosis carries its own), the delivery id is in its payload.
        return messages.Any(m => m.Metadata?.EventPayload?.DeliveryId == deliveryId);
    }

    /// <summary>
    /// <c>chat.unfurl</c>: previews for links of a message (<paramref name="channel"/> and <paramref name="ts"/>) or of
    /// the composer (<paramref name="unfurlId"/> and <paramref name="source"/>).
    /// </summary>
    /// <param name="metadata">Work Object entities (<c>{"entities": […]}</c>) describing the links, or null.</param>
    public Task UnfurlAsync(string channel, string? ts, string? unfurlId, string? source, JsonObject unfurls, JsonObject? metadata, CancellationToken ct)
    {
        var body = ts is not null
            ? new JsonObject { ["channel"] = channel, ["ts"] = ts, ["unfurls"] = unfurls.DeepClone() }
            : new JsonObject { ["unfurl_id"] = unfurlId, ["source"] = source, ["unfurls"] = unfurls.DeepClone() };
        if (metadata is not null)
        {
            body["metadata"] = metadata.DeepClone();
        }

        return CallAsync("chat.unfurl", body, SlackApiJson.Default.SlackApiResponse, ct);
    }

    /// <summary><c>views.open</c>: a modal, for the user whose shortcut gave <paramref name="triggerId"/>.</summary>
    public Task OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct) =>
        CallAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view.DeepClone() }, SlackApiJson.Default.SlackApiResponse, ct);

    public Task UpdateAsync(string channel, string ts, JsonObject message, CancellationToken ct)
    {
        var body = (JsonObject)message.DeepClone();
        body["channel"] = channel;
        body["ts"] = ts;
        return CallAsync("chat.update", body, SlackApiJson.Default.SlackApiResponse, ct);
    }

    /// <summary>The user's locale (users.info with include_locale), cached per user; null when unknown.</summary>
    public async Task<string?> UserLocaleAsync(string userId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.Value.BotToken))
        {
            // Without a bot token there is no Web API to ask.
            return null;
        }

        var (found, cached) = await preferences.GetLocaleAsync($"slack:{userId}", ct);
        if (found)
        {
            return cached;
        }

        try
        {
            using var request = Request(HttpMethod.Get, $"users.info?user={Uri.EscapeDataString(userId)}&include_locale=true");
            var result = await SendAsync("users.info", request, SlackApiJson.Default.SlackUsersInfo, ct);
            var locale = result.User?.Locale;
            await preferences.SetLocaleAsync($"slack:{userId}", locale, TimeSpan.FromDays(1), ct);
            return locale;
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not read the Slack locale of a user: {Error}", e.Message);
            return null;
        }
    }

    /// <summary>The bot's own user id (auth.test), learned once, to ignore its own messages; null when unknown.</summary>
    public async Task<string?> BotUserIdAsync(CancellationToken ct)
    {
        if (cache.BotUserId is { } known)
        {
            return known;
        }

        if (string.IsNullOrWhiteSpace(options.Value.BotToken))
        {
            return null;
        }

        try
        {
            var result = await CallAsync("auth.test", new JsonObject(), SlackApiJson.Default.SlackAuthTest, ct);
            cache.TeamId = result.TeamId;
            return cache.BotUserId = result.UserId;
        }
        catch (Exception e) when (e is SlackApiException or HttpRequestException)
        {
            logger.LogWarning("Slack auth.test failed ({Error}); bot messages are still ignored by their bot_id.", e.Message);
            return null;
        }
    }

    /// <summary>The workspace's team id (auth.test, with the bot's user id): where the bot's own posts live.</summary>
    public async Task<string?> TeamIdAsync(CancellationToken ct)
    {
        await BotUserIdAsync(ct);
        return cache.TeamId;
    }

    private Task<T> CallAsync<T>(string method, JsonObject body, JsonTypeInfo<T> answer, CancellationToken ct)
        where T : SlackApiResponse
    {
        var request = Request(HttpMethod.Post, method);
        request.Content = JsonContent.Create(body, options: null);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return SendDisposingAsync(method, request, answer, ct);
    }

    private async Task<T> SendDisposingAsync<T>(string method, HttpRequestMessage request, JsonTypeInfo<T> answer, CancellationToken ct)
        where T : SlackApiResponse
    {
        using (request)
        {
            return await SendAsync(method, request, answer, ct);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken ?? "");
        return request;
    }

    private async Task<T> SendAsync<T>(string method, HttpRequestMessage request, JsonTypeInfo<T> answer, CancellationToken ct)
        where T : SlackApiResponse
    {
        using var response = await http.SendAsync(request, ct);
        T? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(answer, ct);
        }
        catch (JsonException)
        {
            body = null;
        }

        if (!response.IsSuccessStatusCode || body is not { Ok: true })
        {
            var error = body?.Error ?? $"http_{(int)response.StatusCode}";
            logger.LogError("Slack {Method} answered ok=false: {Error}", method, error);
            throw new SlackApiException(method, error);
        }

        return body;
    }
}

/// <summary>A Web API method's answer, as far as the bot reads it: <c>ok</c> and <c>error</c> (every method).</summary>
internal record SlackApiResponse(bool Ok, string? Error);

/// <summary>chat.postMessage: the message's <c>ts</c>.</summary>
internal sealed record SlackPostResponse(bool Ok, string? Error, string? Ts) : SlackApiResponse(Ok, Error);

/// <summary>auth.test: the bot's workspace and user.</summary>
internal sealed record SlackAuthTest(bool Ok, string? Error, string? TeamId, string? UserId) : SlackApiResponse(Ok, Error);

/// <summary>users.info with include_locale: the user's locale.</summary>
internal sealed record SlackUsersInfo(bool Ok, string? Error, SlackUserInfo? User) : SlackApiResponse(Ok, Error);

internal sealed record SlackUserInfo(string? Locale);

/// <summary><c>conversations.history</c> and <c>conversations.replies</c>, as far as finding a delivery goes.</summary>
internal sealed record SlackHistory(bool Ok, string? Error, IReadOnlyList<SlackHistoryMessage>? Messages);

internal sealed record SlackHistoryMessage(string? Ts, SlackMessageMetadata? Metadata);

internal sealed record SlackMessageMetadata(string? EventType, SlackDeliveryPayload? EventPayload);

internal sealed record SlackDeliveryPayload(string? DeliveryId);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackHistory))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackApiResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackPostResponse))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackAuthTest))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SlackUsersInfo))]
internal sealed partial class SlackApiJson : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>What auth.test told us about the bot, learned once per process.</summary>
internal sealed class SlackIdentityCache
{
    public string? BotUserId { get; set; }

    public string? TeamId { get; set; }
}

/// <summary>Posts to a <c>response_url</c>, but only under the allowed prefixes (never anywhere a payload says).</summary>
internal sealed class SlackResponseClient(HttpClient http, IOptions<SlackOptions> options, ILogger<SlackResponseClient> logger)
{
    public bool IsAllowed(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && string.IsNullOrEmpty(uri.UserInfo)
        && options.Value.ResponseUrlPrefixes.Any(p => uri.AbsoluteUri.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    public async Task PostAsync(string url, JsonObject message, bool ephemeral, bool replaceOriginal, CancellationToken ct)
    {
        if (!IsAllowed(url))
        {
            logger.LogWarning("Refused to call a response_url outside Slack__AllowedResponseUrlPrefixes.");
            return;
        }

        var body = (JsonObject)message.DeepClone();
        // A response_url message is the user's alone and kept by no one: message metadata is for messages others read.
        body.Remove("metadata");
        body["response_type"] = ephemeral ? "ephemeral" : "in_channel";
        body["replace_original"] = replaceOriginal;
        using var response = await http.PostAsJsonAsync(url, body, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"response_url answered {(int)response.StatusCode}.", null, response.StatusCode);
        }
    }
}
