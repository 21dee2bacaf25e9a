using System.Globalization;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Alerts;

/// <summary>Work from Aircall's webhooks, done by <see cref="AlertWorkHandler"/>.</summary>
public abstract record AircallWork : Work
{
    [System.Text.Json.Serialization.JsonIgnore]
    public sealed override ChatChannel Channel => ChatChannel.Aircall;
}

/// <summary>Look a call up again (its recording may have arrived) and alert when it still has none.</summary>
public sealed record AlertCheckWork(long CallId) : AircallWork
{
    /// <summary>The item id and dedupe key of a call's one check.</summary>
    public static string KeyOf(long callId) => string.Create(CultureInfo.InvariantCulture, $"aircall:alert:{callId}");
}

/// <summary>
/// The summary of a number's burst of alerts: posted by the alert that started the burst (<paramref name="Create"/>),
/// updated with the new count by the following ones.
/// </summary>
public sealed record AlertSummaryDelivery(string ChannelId, long NumberId, DateTimeOffset Since, string Text, bool Create) : Delivery
{
    /// <summary>An update sets the same text again; only the creation posts a message.</summary>
    public override bool Repeatable => !Create;
}

/// <summary>An alert posted in the thread of its burst's summary (whose ts is known once the summary was posted).</summary>
public sealed record AlertInThreadDelivery(string ChannelId, long NumberId, DateTimeOffset Since, JsonObject Message) : Delivery;

/// <summary>A number was deleted in Aircall: remembered as evidence for <c>number-deleted</c>.</summary>
public sealed record NumberDeletedWork(long NumberId, DateTimeOffset At) : AircallWork;

/// <summary>
/// Decides and sends the proactive alerts: re-fetches the call (one request; its number is usually cached), and when
/// a call that should have a recording still has none, diagnoses it from data only and posts one alert.
/// </summary>
internal sealed class AlertWorkHandler(
    AircallClient aircall,
    AircallFactMapper mapper,
    ConversationService conversations,
    SlackApiClient slack,
    CardRenderer cards,
    Diagnostics.Knowledge knowledge,
    AircallNumberFacts numbers,
    Storage.IDeletedNumbers deletedNumbers,
    Storage.IAlertBursts bursts,
    Storage.IAlertMutes mutes,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<AlertWorkHandler> logger) : IWorkHandler
{
    /// <summary>Alerts wait their turn for Aircall after every user's lookup.</summary>
    internal static readonly CallRequester Requester = new("aircall:alerts", Bulk: true);

    public ChatChannel Channel => ChatChannel.Aircall;

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        switch (item.Work)
        {
            case NumberDeletedWork deleted:
                await deletedNumbers.RememberAsync(deleted.NumberId, deleted.At, ct);
                logger.LogInformation("Aircall number {NumberId} was deleted at {At:u}; its calls' diagnoses will say so.", deleted.NumberId, deleted.At);
                return [];

            case AlertCheckWork check:
                return await CheckAsync(check, ct);

            default:
                throw new InvalidOperationException($"Not Aircall work: {item.Work.GetType().Name}.");
        }
    }

    private async Task<IReadOnlyList<Delivery>> CheckAsync(AlertCheckWork check, CancellationToken ct)
    {
        var fetched = await aircall.GetCallAsync(check.CallId, Requester, ct, fresh: true);
        switch (fetched.Status)
        {
            case AircallStatus.NotFound:
                return [];
            case not AircallStatus.Ok:
                // Retried by the outbox with backoff (Aircall down, or the credentials refused: said in the log).
                throw new HttpRequestException($"Aircall answered {fetched.Status} for call {check.CallId}.");
        }

        var call = fetched.Value!;
        if (AircallFactMapper.IsNotReady(call, time.GetUtcNow()))
        {
            // Not final yet (an assets event before the call ended): look again after the grace delay.
            return [new FollowUp(options.Value.AssetsGrace, check)];
        }

        if (!AlertPolicy.NeedsCheck(call, options.Value))
        {
            return [];
        }

        var facts = new List<Fact>(mapper.MapCall(call));
        var numberName = call.Number?.Name;
        if (call.Number is { } number)
        {
            var (numberFacts, found) = await numbers.ForAsync(number.Id, Requester, ct);
            facts.AddRange(numberFacts);
            numberName = found?.Name ?? numberName;
        }

        if (call.Number is { } muted && await mutes.MutedByAsync(muted.Id, time.GetUtcNow(), ct) is { } by)
        {
            logger.LogInformation("Call {CallId} has no recording; its number's alerts were muted by {User} (Expected).", call.Id, by);
            return [];
        }

        var channel = options.Value.SlackChannel;
        if (channel is null)
        {
            logger.LogWarning("Call {CallId} has no recording, but no alert channel is set (Alerts__SlackChannel).", call.Id);
            return [];
        }

        var language = options.Value.Language;
        var callId = call.Id.ToString(CultureInfo.InvariantCulture);
        var place = SlackWorkHandler.Place(await slack.TeamIdAsync(ct), channel);
        var texts = knowledge.Texts;
        var header = texts.Get(language, TextKeys.NoticeAlert,
            ("direction", texts.Get(language, call.Direction is "outbound" ? "option.direction.outbound" : "option.direction.inbound")),
            ("callId", callId),
            ("number", numberName ?? "—"),
            ("agent", call.User?.Name ?? "—"),
            ("talk", call is { AnsweredAt: { } a, EndedAt: { } e } ? TextCatalog.FormatSeconds(e - a) : "—"),
            ("link", CallLinks.Dashboard(callId)));
        var source = new Diagnostics.Replies.AlertSource(callId, call.Number?.Id, numberName ?? "—");
        var reply = await conversations.DiagnoseFromDataAsync(ChatChannel.Slack, place, source, facts, language, [header], ct);
        // A channel reads it: customer phone numbers are masked.
        var alert = cards.Slack(reply, maskPhoneNumbers: true);
        if (call.Number is not { } burstNumber)
        {
            return [new SlackPostDelivery(channel, null, alert)];
        }

        var burst = await bursts.AddAlertAsync(burstNumber.Id, time.GetUtcNow(), TimeSpan.FromHours(1), ct);
        var threshold = options.Value.BurstThreshold;
        if (burst.Count <= threshold)
        {
            return [new SlackPostDelivery(channel, null, alert)];
        }

        var summary = texts.Get(language, TextKeys.NoticeAlertBurst,
            ("number", numberName ?? "—"),
            ("count", burst.Count.ToString(CultureInfo.InvariantCulture)),
            ("since", burst.Since.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)));
        return
        [
            new AlertSummaryDelivery(channel, burstNumber.Id, burst.Since, summary, Create: burst.Count == threshold + 1),
            new AlertInThreadDelivery(channel, burstNumber.Id, burst.Since, alert),
        ];
    }

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        switch (delivery)
        {
            case SlackPostDelivery post:
                await slack.PostMessageAsync(post.ChannelId, post.ThreadTs, post.Message, ct);
                break;

            case AlertSummaryDelivery { Create: true } summary:
                var ts = await slack.PostMessageAsync(summary.ChannelId, null, new JsonObject { ["text"] = summary.Text }, ct)
                    ?? throw new InvalidOperationException("chat.postMessage returned no ts for the burst summary.");
                await bursts.SetSummaryAsync(summary.NumberId, summary.Since, ts, ct);
                break;

            case AlertSummaryDelivery summary:
                // Retried (with the outbox's backoff) until the alert that started the burst has posted the summary.
                await slack.UpdateAsync(summary.ChannelId, await SummaryTsAsync(summary.NumberId, summary.Since, ct), new JsonObject { ["text"] = summary.Text }, ct);
                break;

            case AlertInThreadDelivery threaded:
                await slack.PostMessageAsync(threaded.ChannelId, await SummaryTsAsync(threaded.NumberId, threaded.Since, ct), threaded.Message, ct);
                break;

            default:
                throw new InvalidOperationException($"Not an alert delivery: {delivery.GetType().Name}.");
        }
    }

    private async Task<string> SummaryTsAsync(long numberId, DateTimeOffset since, CancellationToken ct) =>
        await bursts.GetAsync(numberId, ct) is { SummaryTs: { } ts } burst && burst.Since == since
            ? ts
            : throw new InvalidOperationException($"The burst summary of number {numberId} is not posted yet.");
}
