using System.Globalization;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Observability;
using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Alerts;

/// <summary>A call was answered (<c>call.answered</c>): warn its agent, during the call, when it will not be recorded.</summary>
/// <param name="Direction">inbound or outbound; null when the event did not say (the call is read then).</param>
/// <param name="NumberId">The call's number; null when the event did not say (the call is read then).</param>
/// <param name="AnsweredAt">When it was answered (UNIX seconds), as the event said.</param>
public sealed record InCallWarningWork(long CallId, string? Direction, long? NumberId, string? NumberName, long? AnsweredAt) : Work
{
    /// <summary>The item id and dedupe key of a call's one warning.</summary>
    public static string KeyOf(long callId) => string.Create(CultureInfo.InvariantCulture, $"aircall:in-call-warning:{callId}");
}

/// <summary>The Insight Card shown to the agent of a live call (<c>POST /v1/calls/:id/insight_cards</c>).</summary>
public sealed record InsightCardDelivery(long CallId, IReadOnlyList<InsightCardLine> Lines) : Delivery;

/// <summary>One line of an Insight Card, as stored (see <see cref="AircallInsightLine"/> for what Aircall is sent).</summary>
public sealed record InsightCardLine(string Type, string Text, string? Label, string? Link);

/// <summary>
/// Warns an agent in the Aircall phone app, while the call goes on, that it is not being recorded: on
/// <c>call.answered</c>, when the number's data (cached) and the rules confirm <c>recording-disabled</c> for the call, one
/// Insight Card with why and what to do now, in <c>Alerts__Language</c>. One per call: the webhook's dedupe key is the
/// call's (retries, duplicates and restarts post nothing more). Its Aircall requests go after users' lookups and before
/// bulk work (<see cref="CallPriority.Prompt"/>): with the number cached, one request per warned call (the card), two
/// when the event does not carry the call's number (the call is read).
/// </summary>
internal sealed class InCallWarnings(
    AircallClient aircall,
    AircallFactMapper mapper,
    AircallNumberFacts numbers,
    Diagnostics.Knowledge knowledge,
    IOptions<AlertsOptions> options,
    TimeProvider time,
    ILogger<InCallWarnings> logger) : IWorkHandler
{
    internal static readonly CallRequester Requester = new("aircall:in-call-warnings", CallPriority.Prompt);

    private const string RecordingDisabled = "recording-disabled";

    /// <summary>Whether the refusal of a card was logged already (once per process: every call would be refused alike).</summary>
    private int _refusalLogged;

    public string Name => "Aircall";

    public bool Handles(Work work) => work is InCallWarningWork;

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        var warning = (InCallWarningWork)item.Work;
        if (warning is not { NumberId: { } numberId, Direction: { } direction })
        {
            // The event did not say which number or direction: the call says (one more request).
            var read = await aircall.GetCallAsync(warning.CallId, Requester, ct, fresh: true);
            if (read is not { Status: AircallStatus.Ok, Value: { Number.Id: > 0, Direction: "inbound" or "outbound" } call })
            {
                logger.LogInformation("Call {CallId} was answered, but its number could not be read ({Status}): no in-call warning.", warning.CallId, read.Status);
                return [];
            }

            (numberId, direction) = (call.Number!.Id, call.Direction!);
            warning = warning with { NumberName = warning.NumberName ?? call.Number.Name, AnsweredAt = warning.AnsweredAt ?? call.AnsweredAt };
        }

        var (numberFacts, number) = await numbers.ForAsync(numberId, Requester, ct);
        // The live call as the event gave it: answered, in its direction (the same facts the rules read after the call).
        var live = new AircallCall(warning.CallId, "answered", direction, null, warning.AnsweredAt ?? time.GetUtcNow().ToUnixTimeSeconds(),
            null, null, null, null, null, null, null);
        var facts = FactSet.From([.. mapper.MapCall(live), .. numberFacts]);
        if (Evaluator.AssessAll(knowledge.Rules, facts).FirstOrDefault(a => a is { Cause.Id: RecordingDisabled, Status: CauseStatus.Confirmed }) is not { } disabled)
        {
            return [];
        }

        var language = options.Value.Language;
        var texts = knowledge.Texts;
        var name = number?.Name ?? warning.NumberName ?? numberId.ToString(CultureInfo.InvariantCulture);
        // The title opens the help article the cause links to, in the warning's language.
        var article = disabled.Cause.Links.FirstOrDefault()?.UrlTemplate
            .Replace("{locale}", texts.Get(language, TextKeys.LinkLocale), StringComparison.Ordinal);
        logger.LogInformation("Call {CallId} was answered on number {NumberId}, whose recording is off: its agent is warned.", warning.CallId, numberId);
        return
        [
            new InsightCardDelivery(warning.CallId,
            [
                new InsightCardLine("title", texts.Get(language, TextKeys.InCallTitle), null, article),
                new InsightCardLine("shortText",
                    texts.Get(language, direction == "outbound" ? TextKeys.InCallWhyOutbound : TextKeys.InCallWhyInbound, ("number", name)),
                    texts.Get(language, TextKeys.InCallLabelWhy), null),
                new InsightCardLine("shortText", texts.Get(language, TextKeys.InCallNow), texts.Get(language, TextKeys.InCallLabelNow), null),
            ]),
        ];
    }

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        var card = (InsightCardDelivery)delivery;
        var sent = await aircall.PostInsightCardAsync(card.CallId,
            new AircallInsightCard([.. card.Lines.Select(l => new AircallInsightLine(l.Type, l.Text, l.Label, l.Link))]), Requester, ct);
        switch (sent)
        {
            case AircallWrite.Done:
                BotMetrics.InCallWarnings.Add(1);
                return;

            case AircallWrite.TryLater:
                // Nothing was done: the outbox tries again shortly (a warning is worth it while the call lasts).
                throw new HttpRequestException($"Aircall is rate limiting; the warning for call {card.CallId} waits.", null, System.Net.HttpStatusCode.TooManyRequests);

            case AircallWrite.Unknown:
                // It may have been shown: sent again, where a duplicate card is better than none.
                throw new HttpRequestException($"Aircall did not answer the warning for call {card.CallId}.");

            case AircallWrite.Refused when Interlocked.Exchange(ref _refusalLogged, 1) == 0:
                logger.LogWarning("Aircall refused an Insight Card (401/403): the API key needs write access to calls for in-call warnings (or set Alerts__InCallWarnings=false).");
                return;

            default:
                // Over already (404), or refused: too late or pointless to try again.
                logger.LogInformation("The warning for call {CallId} was not shown: Aircall answered {Outcome}.", card.CallId, sent);
                return;
        }
    }
}
