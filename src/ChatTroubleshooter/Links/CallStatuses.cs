using System.Collections.Concurrent;
using System.Globalization;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Links;

/// <summary>
/// A link to an Aircall call, as Slack unfurls it and Teams previews it: the call in a sentence, then "recorded" or the
/// causes of its missing recording from its data alone (the same rules as every diagnosis: confirmed or possible). Each
/// call is looked up at most once per <c>Links__CacheDuration</c> (5 minutes), however many links to it are shared, and
/// its Aircall requests wait behind every user's lookups. A call the bot cannot read (unknown, in progress, no Aircall
/// key) shows nothing: a link is not a question, so no error is said.
/// </summary>
internal sealed class CallStatuses(
    AircallClient aircall,
    AircallFactMapper mapper,
    AircallNumberFacts numbers,
    Knowledge knowledge,
    Diagnoses diagnoses,
    IMemoryCache cache,
    IOptions<LinkOptions> options,
    IOptions<AircallOptions> aircallOptions,
    TimeProvider time,
    ILogger<CallStatuses> logger)
{
    internal static readonly CallRequester Requester = new("aircall:links", CallPriority.Prompt);

    /// <summary>Lookups under way, so that links to one call shared at once make one lookup.</summary>
    private readonly ConcurrentDictionary<long, Task<LinkedCall?>> _underWay = new();

    /// <summary>The call id a link names (a dashboard, app, phone, API or asset URL), or null.</summary>
    public static long? CallIdOf(string url) =>
        CallReference.FindCallId(url) is { } id && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var callId) && callId > 0 ? callId : null;

    /// <summary>The status of the call <paramref name="url"/> links to, in <paramref name="language"/>; null when it shows nothing.</summary>
    public async Task<CallStatusReply?> ForLinkAsync(string url, string language, CancellationToken ct) =>
        CallIdOf(url) is { } callId && await LookUpAsync(callId, ct) is { } linked ? Compose(linked, language) : null;

    private async Task<LinkedCall?> LookUpAsync(long callId, CancellationToken ct)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"link:call:{callId}");
        if (cache.TryGetValue(key, out LinkLookup? known) && known is not null)
        {
            return known.Call;
        }

        var lookup = _underWay.GetOrAdd(callId, id => FetchAsync(id, key, ct));
        try
        {
            return await lookup.WaitAsync(ct);
        }
        finally
        {
            _underWay.TryRemove(KeyValuePair.Create(callId, lookup));
        }
    }

    private async Task<LinkedCall?> FetchAsync(long callId, string key, CancellationToken ct)
    {
        if (!aircallOptions.Value.HasCredentials && !aircallOptions.Value.UsesDemo)
        {
            return null;
        }

        var fetched = await aircall.GetCallAsync(callId, Requester, ct);
        switch (fetched.Status)
        {
            case AircallStatus.NotFound:
                // An id that is no call stays none for a while: shared again, it costs nothing.
                cache.Set(key, new LinkLookup(null), options.Value.CacheDuration);
                return null;
            case not AircallStatus.Ok:
                logger.LogInformation("A link to call {CallId} shows nothing: Aircall answered {Status}.", callId, fetched.Status);
                return null;
        }

        var call = fetched.Value!;
        if (AircallFactMapper.IsNotReady(call, time.GetUtcNow()))
        {
            // In progress, or its recording may still come: nothing to say yet (and nothing kept, it changes).
            return null;
        }

        var facts = new List<Fact>(mapper.MapCall(call));
        var numberName = call.Number?.Name;
        var timeZone = call.Number?.TimeZone;
        if (call.Number is { } number)
        {
            var (numberFacts, found) = await numbers.ForAsync(number.Id, Requester, ct);
            facts.AddRange(numberFacts);
            numberName = found?.Name ?? numberName;
            timeZone = found?.TimeZone ?? timeZone;
        }

        var linked = new LinkedCall(call, numberName ?? "—", timeZone, facts);
        cache.Set(key, new LinkLookup(linked), options.Value.CacheDuration);
        return linked;
    }

    private CallStatusReply Compose(LinkedCall linked, string language)
    {
        var (call, texts) = (linked.Call, knowledge.Texts);
        var callId = call.Id.ToString(CultureInfo.InvariantCulture);
        var talk = call is { AnsweredAt: { } answered, EndedAt: { } ended }
            ? texts.Get(language, TextKeys.LinkTalk, ("duration", TextCatalog.FormatSeconds(ended - answered, language)))
            : texts.Get(language, TextKeys.LinkNotAnswered);
        var summary = texts.Get(language, call.Direction == "outbound" ? TextKeys.LinkSummaryOutbound : TextKeys.LinkSummaryInbound,
            ("number", linked.NumberName),
            ("agent", call.User?.Name ?? "—"),
            ("when", call.StartedAt is { } started ? texts.FormatMoment(language, DateTimeOffset.FromUnixTimeSeconds(started), linked.TimeZone) : "—"),
            ("talk", talk));
        var recorded = !string.IsNullOrEmpty(call.Recording) || !string.IsNullOrEmpty(call.Asset);
        string[] confirmed = [], possible = [];
        DiagnosisKind? kind = null;
        string status;
        if (recorded)
        {
            status = texts.Get(language, TextKeys.LinkRecorded);
        }
        else
        {
            // From the data alone, as an alert: nothing is asked, what the data cannot decide stays possible.
            var diagnosis = diagnoses.FromData(FactSet.From(linked.Facts));
            kind = diagnosis.Kind;
            confirmed = [.. diagnosis.Assessments.Where(a => a.Status == CauseStatus.Confirmed).Select(a => a.Cause.Id)];
            possible = [.. diagnosis.Assessments.Where(a => a.Status == CauseStatus.Possible).Select(a => a.Cause.Id)];
            var titles = string.Join("; ", diagnosis.Reported.Select(a => texts.Get(language, a.Cause.TitleKey)));
            status = diagnosis.Kind switch
            {
                DiagnosisKind.Confirmed => texts.Get(language, TextKeys.LinkCauseConfirmed, ("causes", titles)),
                DiagnosisKind.Possible => texts.Get(language, TextKeys.LinkCausePossible, ("causes", titles)),
                _ => texts.Get(language, TextKeys.LinkCauseNone),
            };
        }

        return new CallStatusReply(
            language,
            callId,
            texts.Get(language, TextKeys.LinkTitle, ("callId", callId)),
            summary,
            recorded,
            status,
            kind,
            confirmed,
            possible,
            CallLinks.Dashboard(callId),
            texts.Get(language, TextKeys.CardLinkOpen),
            texts.Get(language, TextKeys.CardLinkDiagnose));
    }

    private sealed record LinkedCall(AircallCall Call, string NumberName, string? TimeZone, IReadOnlyList<Fact> Facts);

    /// <summary>What the cache keeps: the call, or none (an id that is no call).</summary>
    private sealed record LinkLookup(LinkedCall? Call);
}
