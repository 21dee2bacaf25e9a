using System.Globalization;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Alerts;

/// <summary>Work from Aircall's webhooks, done by <see cref="AlertWorkHandler"/>.</summary>
public abstract record AircallWork : Work;

/// <summary>Look a call up again (its recording may have arrived) and alert when it still has none.</summary>
public sealed record AlertCheckWork(long CallId) : AircallWork
{
    /// <summary>The item id and dedupe key of a call's one check.</summary>
    public static string KeyOf(long callId) => string.Create(CultureInfo.InvariantCulture, $"aircall:alert:{callId}");
}

/// <summary>An alert, as a new message where it goes (rendered for that channel: Block Kit, or a Teams activity).</summary>
public sealed record AlertPostDelivery(PlaceAddress Target, string Place, JsonObject Message) : Delivery;

/// <summary>
/// The summary of a number's burst of alerts in one place: posted by the alert that started the burst
/// (<paramref name="Create"/>), updated with the new count by the following ones.
/// </summary>
public sealed record AlertSummaryDelivery(PlaceAddress Target, string Place, long NumberId, DateTimeOffset Since, string Text, bool Create) : Delivery
{
    /// <summary>An update sets the same text again; only the creation posts a message.</summary>
    public override bool Repeatable => !Create;
}

/// <summary>An alert posted in the thread of its burst's summary in that place (known once the summary was posted).</summary>
public sealed record AlertInThreadDelivery(PlaceAddress Target, string Place, long NumberId, DateTimeOffset Since, JsonObject Message) : Delivery;

/// <summary>A number was deleted in Aircall: remembered as evidence for <c>number-deleted</c>.</summary>
public sealed record NumberDeletedWork(long NumberId, DateTimeOffset At) : AircallWork;

/// <summary>What alerts store: their kinds of work and delivery, and the subscriptions.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertCheckWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(NumberDeletedWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertPostDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertSummaryDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertInThreadDelivery))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AlertSubscription))]
[System.Text.Json.Serialization.JsonSerializable(typeof(InCallWarningWork))]
[System.Text.Json.Serialization.JsonSerializable(typeof(InsightCardDelivery))]
internal sealed partial class AlertsStoredJson : System.Text.Json.Serialization.JsonSerializerContext;

public static class AlertsStoredTypes
{
    /// <summary>The alerts' stored kinds, under their discriminators (part of the stored JSON: never renamed).</summary>
    public static IServiceCollection AddAlertsStoredTypes(this IServiceCollection services) => services
        .AddStoredType<Work, AlertCheckWork>("aircall.alert-check", AlertsStoredJson.Default)
        .AddStoredType<Work, NumberDeletedWork>("aircall.number-deleted", AlertsStoredJson.Default)
        .AddStoredType<Delivery, AlertPostDelivery>("aircall.alert", AlertsStoredJson.Default)
        .AddStoredType<Delivery, AlertSummaryDelivery>("aircall.burst-summary", AlertsStoredJson.Default)
        .AddStoredType<Delivery, AlertInThreadDelivery>("aircall.alert-in-thread", AlertsStoredJson.Default)
        .AddStoredType<Work, InCallWarningWork>("aircall.in-call-warning", AlertsStoredJson.Default)
        .AddStoredType<Delivery, InsightCardDelivery>("aircall.insight-card", AlertsStoredJson.Default);
}

/// <summary>
/// Decides and sends the proactive alerts: re-fetches the call (one request; its number is usually cached), and when
/// a call that should have a recording still has none, diagnoses it from data only and posts one alert in each place
/// alerts go to (<c>Alerts__SlackChannel</c>, and the conversations subscribed with <c>alerts here</c>).
/// </summary>
internal sealed class AlertWorkHandler(
    AircallClient aircall,
    AircallFactMapper mapper,
    Diagnoses diagnoses,
    PlacePoster poster,
    Diagnostics.Knowledge knowledge,
    AircallNumberFacts numbers,
    IDeletedNumbers deletedNumbers,
    IAlertBursts bursts,
    IAlertMutes mutes,
    IAlertSubscriptions subscriptions,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<AlertWorkHandler> logger) : IWorkHandler
{
    /// <summary>Alerts wait their turn for Aircall after every user's lookup.</summary>
    internal static readonly CallRequester Requester = new("aircall:alerts", CallPriority.Bulk);

    public string Name => "Aircall";

    public bool Handles(Work work) => work is AircallWork;

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

        var places = await PlacesAsync(ct);
        if (places.Count == 0)
        {
            logger.LogWarning("Call {CallId} has no recording, but alerts go nowhere (set Alerts__SlackChannel, or write \"alerts here\" as an admin).", call.Id);
            return [];
        }

        var burst = call.Number is { } counted ? await bursts.AddAlertAsync(counted.Id, time.GetUtcNow(), TimeSpan.FromHours(1), ct) : null;
        var source = new Diagnostics.Replies.AlertSource(call.Id.ToString(CultureInfo.InvariantCulture), call.Number?.Id, numberName ?? "—");
        var plan = new List<Delivery>(places.Count * 2);
        IReadOnlyList<Evidence>? followed = null;
        foreach (var place in places)
        {
            var (deliveries, notices) = await AlertAsync(call, source, facts, place, burst, followed, ct);
            plan.AddRange(deliveries);
            followed = notices;
        }

        return plan;
    }

    /// <summary>Where alerts go: the configured Slack channel, and every subscribed conversation (once each).</summary>
    private async Task<List<AlertSubscription>> PlacesAsync(CancellationToken ct)
    {
        var places = new List<AlertSubscription>(await subscriptions.SubscriptionsAsync(ct));
        if (options.Value.SlackChannel is { } channel && poster.Named("slack") is { } slack)
        {
            var (place, address) = await slack.ConfiguredAsync(channel, ct);
            if (places.TrueForAll(p => p.Place != place))
            {
                places.Insert(0, new AlertSubscription(place, address, "Alerts__SlackChannel", DateTimeOffset.MinValue, options.Value.Language));
            }
        }

        return places;
    }

    /// <summary>
    /// One place's alert: a diagnosis recorded for that place (its buttons act there), in its language. The features that
    /// act on a diagnosis (write-back onto the call) are told once per call, with the first place's; every place's alert
    /// says what they did (<paramref name="followed"/>, once known).
    /// </summary>
    private async Task<(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<Evidence> Followed)> AlertAsync(
        AircallCall call, Diagnostics.Replies.AlertSource source, IReadOnlyList<Fact> facts, AlertSubscription place, AlertBurst? burst,
        IReadOnlyList<Evidence>? followed, CancellationToken ct)
    {
        var language = place.Language;
        var texts = knowledge.Texts;
        // One sentence per direction: each language writes "incoming call" its own way (agreement, word order).
        var header = texts.Get(language, call.Direction is "outbound" ? TextKeys.NoticeAlertOutbound : TextKeys.NoticeAlertInbound,
            ("callId", source.CallId),
            ("number", source.NumberName),
            ("agent", call.User?.Name ?? "—"),
            ("talk", call is { AnsweredAt: { } a, EndedAt: { } e } ? TextCatalog.FormatSeconds(e - a, language) : "—"),
            ("link", CallLinks.Dashboard(source.CallId)));
        var channel = poster.ChannelOf(place.Target).Channel;
        var reply = await diagnoses.FromDataAsync(channel, place.Place, source, facts, language, [header], ct);
        followed ??= await diagnoses.FollowAsync(new DiagnosisGiven(reply, FactSet.From(facts), channel, AskedBy: null), ct);
        reply = diagnoses.WithNotices(reply, followed);
        // A channel reads it: customer phone numbers are masked.
        var alert = poster.Render(place.Target, reply, maskPhoneNumbers: true);
        var threshold = options.Value.BurstThreshold;
        if (burst is null || call.Number is not { } number || burst.Count <= threshold)
        {
            return ([new AlertPostDelivery(place.Target, place.Place, alert)], followed);
        }

        var summary = texts.Get(language, TextKeys.NoticeAlertBurst,
            ("number", source.NumberName),
            ("count", burst.Count.ToString(CultureInfo.InvariantCulture)),
            ("since", texts.FormatMoment(language, burst.Since, call.Number?.TimeZone)));
        return (
        [
            new AlertSummaryDelivery(place.Target, place.Place, number.Id, burst.Since, summary, Create: burst.Count == threshold + 1),
            new AlertInThreadDelivery(place.Target, place.Place, number.Id, burst.Since, alert),
        ], followed);
    }

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        try
        {
            await SendAsync(delivery, ct);
        }
        catch (Exception e) when (PlaceOf(delivery) is { } place && poster.GoneBecause(place.Target, e) is { } gone)
        {
            // Retrying would be refused the same way, and would hold back this call's alerts to the other places.
            logger.LogWarning("An alert could not be posted in {Place} ({Error}): add the bot to that conversation, or write \"alerts off\" there.",
                place.Place, gone);
        }
    }

    /// <summary>An alert that may have gone out is looked for where the channel can tell (Slack); a summary is not (its id is needed).</summary>
    public async Task<bool?> FindSentAsync(Delivery delivery, CancellationToken ct) => delivery switch
    {
        AlertPostDelivery { Id: { } id } post => await poster.FindPostedAsync(post.Target, null, id, ct),
        AlertInThreadDelivery { Id: { } id } threaded when await bursts.SummaryAsync(threaded.NumberId, threaded.Since, threaded.Place, ct) is { } root =>
            await poster.FindPostedAsync(threaded.Target, root, id, ct),
        _ => null,
    };

    /// <summary>The place a delivery goes to (its target and key).</summary>
    private static (PlaceAddress Target, string Place)? PlaceOf(Delivery delivery) => delivery switch
    {
        AlertPostDelivery post => (post.Target, post.Place),
        AlertSummaryDelivery summary => (summary.Target, summary.Place),
        AlertInThreadDelivery threaded => (threaded.Target, threaded.Place),
        _ => null,
    };

    private async Task SendAsync(Delivery delivery, CancellationToken ct)
    {
        switch (delivery)
        {
            case AlertPostDelivery post:
                await poster.PostAsync(post.Target, post.Message, ct, post.Id);
                break;

            case AlertSummaryDelivery { Create: true } summary:
                var id = await poster.PostAsync(summary.Target, poster.Text(summary.Target, summary.Text), ct)
                    ?? throw new InvalidOperationException("The burst summary was posted without an id to thread the alerts under.");
                await bursts.SetSummaryAsync(summary.NumberId, summary.Since, summary.Place, id, ct);
                break;

            case AlertSummaryDelivery summary:
                // Retried (with the outbox's backoff) until the alert that started the burst has posted the summary.
                await poster.UpdateAsync(summary.Target, await SummaryIdAsync(summary.NumberId, summary.Since, summary.Place, ct),
                    poster.Text(summary.Target, summary.Text), ct);
                break;

            case AlertInThreadDelivery threaded:
                await poster.PostInThreadAsync(threaded.Target, await SummaryIdAsync(threaded.NumberId, threaded.Since, threaded.Place, ct), threaded.Message, ct, threaded.Id);
                break;

            default:
                throw new InvalidOperationException($"Not an alert delivery: {delivery.GetType().Name}.");
        }
    }

    private async Task<string> SummaryIdAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct) =>
        await bursts.SummaryAsync(numberId, since, place, ct)
            ?? throw new InvalidOperationException($"The burst summary of number {numberId} is not posted yet in {place}.");
}
