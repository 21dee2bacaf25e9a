using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Observability;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ChatTroubleshooter.Aircall;

internal enum AircallStatus
{
    Ok,
    NotFound,
    Unauthorized,
    Unavailable,
}

/// <summary>What Aircall did with a write (a card, a tag, a comment).</summary>
internal enum AircallWrite
{
    Done,

    /// <summary>401/403: the key may not write (Aircall's API keys can be read-only), or is wrong.</summary>
    Refused,

    /// <summary>429 even after waiting for the reset, or Aircall failing too often (the circuit is open): nothing was done; try later.</summary>
    TryLater,

    /// <summary>404: the call (or tag) does not exist, or is no longer live (a card for an ended call).</summary>
    NotFound,

    /// <summary>400/422: Aircall did not accept what was sent.</summary>
    Invalid,

    /// <summary>No answer, or a server error: it may have been done.</summary>
    Unknown,
}

internal readonly record struct AircallResult<T>(AircallStatus Status, T? Value)
{
    public static AircallResult<T> Ok(T value) => new(AircallStatus.Ok, value);

    public static AircallResult<T> Fail(AircallStatus status) => new(status, default);
}

/// <summary>Call and number payloads reused for <c>Aircall:CacheDuration</c>, shared by every client instance (the app's memory cache).</summary>
internal sealed class AircallCache(Microsoft.Extensions.Caching.Memory.IMemoryCache cache, IOptions<AircallOptions> options)
{
    private const string Prefix = "aircall:";

    public bool TryGet<T>(string key, out T value)
    {
        if (Microsoft.Extensions.Caching.Memory.CacheExtensions.TryGetValue(cache, Prefix + key, out T? found) && found is not null)
        {
            value = found;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set<T>(string key, T value) =>
        Microsoft.Extensions.Caching.Memory.CacheExtensions.Set(cache, Prefix + key, value, options.Value.CacheDuration);
}

/// <summary>
/// Typed client for the Aircall Public API v1. Retries, the 429 wait, timeouts and the circuit breaker live in
/// its HTTP pipeline (see <see cref="AircallExtensions"/>); this class maps answers to results and never throws
/// for a transport or API failure.
/// </summary>
internal sealed class AircallClient(HttpClient http, AircallCache cache, ILogger<AircallClient> logger)
{

    public const int PageSize = 50;
    private const int MaxPages = 20;

    /// <param name="fresh">Ask Aircall even when the call is cached (an alert's re-fetch: the recording may have arrived since).</param>
    public async Task<AircallResult<AircallCall>> GetCallAsync(long id, CallRequester requester, CancellationToken ct, bool fresh = false)
    {
        var key = $"call:{id}";
        if (!fresh && cache.TryGet<AircallCall>(key, out var cached))
        {
            return AircallResult<AircallCall>.Ok(cached);
        }

        var result = await GetAsync<AircallCallEnvelope>($"calls/{id}", requester, ct);
        if (result.Status != AircallStatus.Ok || result.Value?.Call is not { } call)
        {
            return AircallResult<AircallCall>.Fail(result.Status == AircallStatus.Ok ? AircallStatus.Unavailable : result.Status);
        }

        // A call still in progress changes: only finished calls are reused.
        if (call.Status == "done")
        {
            cache.Set(key, call);
        }

        return AircallResult<AircallCall>.Ok(call);
    }

    public async Task<AircallResult<AircallNumber>> GetNumberAsync(long id, CallRequester requester, CancellationToken ct)
    {
        var key = $"number:{id}";
        if (cache.TryGet<AircallNumber>(key, out var cached))
        {
            return AircallResult<AircallNumber>.Ok(cached);
        }

        var result = await GetAsync<AircallNumberEnvelope>($"numbers/{id}", requester, ct);
        if (result.Status != AircallStatus.Ok || result.Value?.Number is not { } number)
        {
            return AircallResult<AircallNumber>.Fail(result.Status == AircallStatus.Ok ? AircallStatus.Unavailable : result.Status);
        }

        cache.Set(key, number);
        return AircallResult<AircallNumber>.Ok(number);
    }

    /// <summary>The user's calls started between <paramref name="from"/> and <paramref name="to"/>, all pages.</summary>
    public async Task<AircallResult<IReadOnlyList<AircallCall>>> SearchUserCallsAsync(
        long userId, DateTimeOffset from, DateTimeOffset to, CallRequester requester, CancellationToken ct)
    {
        // Searches are for finished calls' past windows: reused like calls, against the per-company rate limit.
        var key = string.Create(CultureInfo.InvariantCulture, $"search:{userId}:{from.ToUnixTimeSeconds()}:{to.ToUnixTimeSeconds()}");
        if (cache.TryGet<IReadOnlyList<AircallCall>>(key, out var cached))
        {
            return AircallResult<IReadOnlyList<AircallCall>>.Ok(cached);
        }

        var calls = new List<AircallCall>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var result = await CallsPageAsync(from.ToUnixTimeSeconds(), to.ToUnixTimeSeconds(), page, userId, requester, ct);
            if (result.Status != AircallStatus.Ok)
            {
                return AircallResult<IReadOnlyList<AircallCall>>.Fail(result.Status);
            }

            var batch = result.Value?.Calls ?? [];
            calls.AddRange(batch);
            if (batch.Count == 0 || result.Value?.Meta?.HasMore(page) != true)
            {
                break;
            }
        }

        cache.Set(key, (IReadOnlyList<AircallCall>)calls);
        return AircallResult<IReadOnlyList<AircallCall>>.Ok(calls);
    }

    /// <summary>
    /// One page (50 calls, oldest first) of the calls started between <paramref name="from"/> and <paramref name="to"/>:
    /// all the company's (<c>GET /v1/calls</c>), or one user's (<c>GET /v1/calls/search?user_id=</c>). Never cached: an audit
    /// reads each page once.
    /// </summary>
    public Task<AircallResult<AircallCallList>> CallsPageAsync(long from, long to, int page, long? userId, CallRequester requester, CancellationToken ct) =>
        GetAsync<AircallCallList>(userId is { } user
            ? string.Create(CultureInfo.InvariantCulture, $"calls/search?user_id={user}&from={from}&to={to}&order=asc&per_page={PageSize}&page={page}")
            : string.Create(CultureInfo.InvariantCulture, $"calls?from={from}&to={to}&order=asc&per_page={PageSize}&page={page}"), requester, ct);

    /// <summary>One page of the company's users (to find one by email).</summary>
    public Task<AircallResult<AircallUserList>> UsersPageAsync(int page, CallRequester requester, CancellationToken ct) =>
        GetAsync<AircallUserList>(string.Create(CultureInfo.InvariantCulture, $"users?per_page={PageSize}&page={page}"), requester, ct);

    /// <summary>One page of the company's numbers (to find one by its digits).</summary>
    public Task<AircallResult<AircallNumberList>> NumbersPageAsync(int page, CallRequester requester, CancellationToken ct) =>
        GetAsync<AircallNumberList>(string.Create(CultureInfo.InvariantCulture, $"numbers?per_page={PageSize}&page={page}"), requester, ct);

    /// <summary>The user, or NotFound.</summary>
    public Task<AircallResult<AircallUserEnvelope>> UserAsync(long id, CallRequester requester, CancellationToken ct) =>
        GetAsync<AircallUserEnvelope>(string.Create(CultureInfo.InvariantCulture, $"users/{id}"), requester, ct);

    /// <summary>Creates a webhook (<c>POST /v1/webhooks</c>); its answer holds the token to configure.</summary>
    public Task<AircallResult<AircallWebhookEnvelope>> CreateWebhookAsync(AircallWebhookRequest webhook, CallRequester requester, CancellationToken ct) =>
        SendAsync<AircallWebhookEnvelope>(HttpMethod.Post, "webhooks", requester, ct,
            JsonContent.Create(webhook, AircallJson.Default.AircallWebhookRequest));

    /// <summary>The company's webhooks (<c>GET /v1/webhooks</c>, first page of 50).</summary>
    public Task<AircallResult<AircallWebhookList>> ListWebhooksAsync(CallRequester requester, CancellationToken ct) =>
        SendAsync<AircallWebhookList>(HttpMethod.Get, "webhooks?per_page=50", requester, ct);

    /// <summary>Shows an Insight Card to the agent on a live call.</summary>
    public Task<AircallWrite> PostInsightCardAsync(long callId, AircallInsightCard card, CallRequester requester, CancellationToken ct) =>
        WriteAsync(HttpMethod.Post, CallPath(callId, "insight_cards"), JsonContent.Create(card, AircallJson.Default.AircallInsightCard), requester, ct);

    /// <summary>Adds a comment to a call.</summary>
    public Task<AircallWrite> CommentAsync(long callId, string content, CallRequester requester, CancellationToken ct) =>
        WriteAsync(HttpMethod.Post, CallPath(callId, "comments"),
            JsonContent.Create(new AircallCommentRequest(content), AircallJson.Default.AircallCommentRequest), requester, ct);

    /// <summary>Adds tags (by id) to a call; a tag the call has already stays once.</summary>
    public Task<AircallWrite> TagCallAsync(long callId, IReadOnlyList<long> tagIds, CallRequester requester, CancellationToken ct) =>
        WriteAsync(HttpMethod.Post, CallPath(callId, "tags"),
            JsonContent.Create(new AircallCallTagsRequest(tagIds), AircallJson.Default.AircallCallTagsRequest), requester, ct);

    /// <summary>One page of the company's tags.</summary>
    public Task<AircallResult<AircallTagList>> TagsPageAsync(int page, CallRequester requester, CancellationToken ct) =>
        GetAsync<AircallTagList>(string.Create(CultureInfo.InvariantCulture, $"tags?per_page={PageSize}&page={page}"), requester, ct);

    /// <summary>Creates a tag of the company; its answer holds the new tag's id.</summary>
    public async Task<(AircallWrite Status, AircallTag? Tag)> CreateTagAsync(AircallTagRequest tag, CallRequester requester, CancellationToken ct)
    {
        AircallTagEnvelope? created = null;
        var status = await WriteAsync(HttpMethod.Post, "tags", JsonContent.Create(tag, AircallJson.Default.AircallTagRequest), requester, ct,
            async (response, token) => created = await response.Content.ReadFromJsonAsync(AircallJson.Default.AircallTagEnvelope, token));
        return (status, created?.Tag);
    }

    /// <summary>
    /// A write, never repeated here but after a 429 (see <see cref="AircallExtensions"/>): its caller decides what a failure
    /// means. Counted by resource and outcome (<c>chattroubleshooter.aircall.writes</c>).
    /// </summary>
    private async Task<AircallWrite> WriteAsync(
        HttpMethod method, string path, HttpContent content, CallRequester requester, CancellationToken ct,
        Func<HttpResponseMessage, CancellationToken, Task>? read = null)
    {
        var status = AircallWrite.Unknown;
        try
        {
            using var request = Request(method, path, requester, content);
            using var response = await http.SendAsync(request, ct);
            status = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => AircallWrite.Refused,
                HttpStatusCode.TooManyRequests => AircallWrite.TryLater,
                HttpStatusCode.NotFound => AircallWrite.NotFound,
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => AircallWrite.Invalid,
                _ when response.IsSuccessStatusCode => AircallWrite.Done,
                _ => AircallWrite.Unknown,
            };
            if (status == AircallWrite.Done && read is not null)
            {
                await read(response, ct);
            }
        }
        catch (Exception e) when (IsUnreachable(e, ct))
        {
            // A broken circuit sent nothing; anything else may have reached Aircall.
            status = e is BrokenCircuitException ? AircallWrite.TryLater : AircallWrite.Unknown;
            logger.LogWarning("Aircall could not be reached for {Method} {Path}: {Error}", method, PathForLog(path), e.GetType().Name);
        }

        BotMetrics.AircallWrites.Add(1,
            new KeyValuePair<string, object?>("resource", path.Split('/', '?') is [_, _, var what, ..] ? what : path.Split('/', '?')[0]),
            new KeyValuePair<string, object?>("outcome", status.ToString()));
        return status;
    }

    private async Task<AircallResult<T>> GetAsync<T>(string path, CallRequester requester, CancellationToken ct)
    {
        BotMetrics.AircallCalls.Add(1, new KeyValuePair<string, object?>("resource", path.Split('/', '?')[0]));
        var result = await SendAsync<T>(HttpMethod.Get, path, requester, ct);
        if (result.Status != AircallStatus.Ok)
        {
            BotMetrics.AircallErrors.Add(1, new KeyValuePair<string, object?>("kind", result.Status.ToString()));
        }

        return result;
    }

    private async Task<AircallResult<T>> SendAsync<T>(HttpMethod method, string path, CallRequester requester, CancellationToken ct, HttpContent? content = null)
    {
        try
        {
            using var request = Request(method, path, requester, content);
            using var response = await http.SendAsync(request, ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound:
                    return AircallResult<T>.Fail(AircallStatus.NotFound);
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    logger.LogError("Aircall rejected the API credentials ({Status}); check Aircall__ApiId and Aircall__ApiToken.", (int)response.StatusCode);
                    return AircallResult<T>.Fail(AircallStatus.Unauthorized);
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Aircall answered {Status} for {Path}.", (int)response.StatusCode, PathForLog(path));
                return AircallResult<T>.Fail(AircallStatus.Unavailable);
            }

            var value = await response.Content.ReadFromJsonAsync<T>(AircallJsonExtensions.Options, ct);
            return value is null ? AircallResult<T>.Fail(AircallStatus.Unavailable) : AircallResult<T>.Ok(value);
        }
        catch (Exception e) when (IsUnreachable(e, ct))
        {
            logger.LogWarning("Aircall could not be reached for {Path}: {Error}", PathForLog(path), e.GetType().Name);
            return AircallResult<T>.Fail(AircallStatus.Unavailable);
        }
    }

    private static string CallPath(long callId, string what) => string.Create(CultureInfo.InvariantCulture, $"calls/{callId}/{what}");

    /// <summary>A request, with whose turn it waits for (<see cref="AircallScheduler"/>).</summary>
    private static HttpRequestMessage Request(HttpMethod method, string path, CallRequester requester, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Options.Set(AircallScheduler.RequesterKey, requester);
        return request;
    }

    /// <summary>Aircall could not be reached or read (a transport failure, a timeout, the open circuit, a body that is no answer), not the caller's cancellation.</summary>
    private static bool IsUnreachable(Exception e, CancellationToken ct) =>
        e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or System.Text.Json.JsonException or NotSupportedException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static string PathForLog(string path) => path.Split('?')[0];
}
