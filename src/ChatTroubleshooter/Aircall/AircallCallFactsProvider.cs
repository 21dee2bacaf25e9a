using System.Globalization;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Aircall;

/// <summary>Looks a call up in Aircall: the call, its number, and the same user's overlapping calls.</summary>
internal sealed class AircallCallFactsProvider(
    AircallClient client,
    AircallScheduler scheduler,
    AircallFactMapper mapper,
    AircallNumberFacts numbers,
    TimeProvider time,
    IOptions<AircallOptions> options) : ICallFactsProvider
{
    /// <summary>In demo mode, two demo calls: one the data decides (3 s of talk), one that needs a question (a pause).</summary>
    public IReadOnlyList<string> ExampleCallIds { get; } = options.Value.UsesDemo ? ["1000004", "1000002"] : [];

    public async Task<CallLookup> LookupAsync(string callId, CallRequester requester, CancellationToken ct)
    {
        if (!long.TryParse(callId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return new CallLookup(CallLookupStatus.NotFound, []) { Notices = [Notice(TextKeys.NoticeCallNotFound, callId)] };
        }

        using var ticket = scheduler.TryStartLookup(requester, out var underWay);
        if (ticket is null)
        {
            return new CallLookup(CallLookupStatus.Busy, [])
            {
                Notices = [Evidence.Of(TextKeys.NoticeLookupsWaiting, ("callId", callId), ("count", underWay.ToString(CultureInfo.InvariantCulture)))],
            };
        }

        var call = await client.GetCallAsync(id, requester, ct);
        switch (call.Status)
        {
            case AircallStatus.NotFound:
                return new CallLookup(CallLookupStatus.NotFound, []) { Notices = [Notice(TextKeys.NoticeCallNotFound, callId)] };
            case AircallStatus.Unauthorized:
                return new CallLookup(CallLookupStatus.Unauthorized, []) { Notices = [Notice(TextKeys.NoticeAircallUnauthorized, callId)] };
            case AircallStatus.Unavailable:
                return new CallLookup(CallLookupStatus.Unavailable, []) { Notices = [Notice(TextKeys.NoticeAircallUnavailable, callId)] };
        }

        var data = call.Value!;
        var facts = new List<Fact>(mapper.MapCall(data));
        var notices = new List<Evidence>();
        if (!string.IsNullOrEmpty(data.Recording))
        {
            notices.Add(Evidence.Of(TextKeys.NoticeHasRecording, ("callId", callId), ("link", CallLinks.Dashboard(callId))));
        }

        string? country = data.Number?.Country;
        if (data.Number is { } number)
        {
            var (numberFacts, found) = await numbers.ForAsync(number.Id, requester, ct);
            facts.AddRange(numberFacts);
            country = found?.Country ?? country;
        }

        if (data.User is { } user && data.StartedAt is { } started && data.AnsweredAt is not null && string.IsNullOrEmpty(data.Recording))
        {
            var startedAt = DateTimeOffset.FromUnixTimeSeconds(started);
            var search = await client.SearchUserCallsAsync(user.Id, startedAt - options.Value.ParallelSearchWindow, startedAt, requester, ct);
            if (search.Status == AircallStatus.Ok)
            {
                facts.Add(mapper.MapParallel(data, search.Value!));
            }
        }

        if (AircallFactMapper.IsNotReady(data, time.GetUtcNow()))
        {
            var delay = options.Value.NotReadyRecheckDelay;
            return new CallLookup(CallLookupStatus.NotReady, facts)
            {
                Country = country,
                RecheckAfter = delay,
                Notices = [Evidence.Of(TextKeys.NoticeNotReady, ("callId", callId), ("delay", EvidenceValue.Seconds(delay.TotalSeconds)))],
            };
        }

        return new CallLookup(CallLookupStatus.Found, facts) { Notices = notices, Country = country };
    }

    private static Evidence Notice(string key, string callId) => Evidence.Of(key, ("callId", callId));
}
