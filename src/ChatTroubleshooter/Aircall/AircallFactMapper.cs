using System.Globalization;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// Turns Aircall data into facts, each with an evidence sentence citing the data. Facts the API cannot give
/// (pause permission, a pause, the per-direction switch at call time) stay unknown so the bot asks for them.
/// </summary>
internal sealed class AircallFactMapper
{
    /// <summary>A call is "not ready" while in progress or within this long after it ended.</summary>
    public static readonly TimeSpan NotReadyWindow = TimeSpan.FromSeconds(60);

    public static bool IsNotReady(AircallCall call, DateTimeOffset now) =>
        call.Status != "done"
        || (call.EndedAt is { } ended && now - DateTimeOffset.FromUnixTimeSeconds(ended) < NotReadyWindow);

    public IReadOnlyList<Fact> MapCall(AircallCall call)
    {
        var id = Id(call.Id);
        var facts = new List<Fact>();
        if (call.Direction is "inbound" or "outbound")
        {
            facts.Add(Api("direction", FactValue.Of(call.Direction), TextKeys.ApiDirection, ("callId", id), ("direction", EvidenceValue.Option("direction", call.Direction))));
        }

        if (call.AnsweredAt is null)
        {
            facts.Add(Api("answered", FactValue.No, TextKeys.ApiNotAnswered, ("callId", id)));
            if (call.Direction == "outbound")
            {
                // Voicemails are left on inbound calls only.
                facts.Add(Api("voicemail", FactValue.No, TextKeys.ApiOutboundNoVoicemail, ("callId", id)));
            }
        }
        else
        {
            facts.Add(Api("answered", FactValue.Yes, TextKeys.ApiAnswered, ("callId", id), ("answeredAt", EvidenceValue.DateTime(call.AnsweredAt.Value))));
            if (call.EndedAt is { } ended && ended >= call.AnsweredAt)
            {
                var seconds = ended - call.AnsweredAt.Value;
                facts.Add(Api("talk-seconds", FactValue.Seconds(seconds), TextKeys.ApiTalkSeconds,
                    ("answeredAt", EvidenceValue.DateTime(call.AnsweredAt.Value)), ("endedAt", EvidenceValue.Time(ended)),
                    ("duration", EvidenceValue.Seconds(seconds))));
            }
        }

        if (!string.IsNullOrEmpty(call.Voicemail))
        {
            // Aircall keeps only voicemails of 5 s or more, so a saved one was long enough.
            facts.Add(Api("voicemail", FactValue.Yes, TextKeys.ApiVoicemail, ("callId", id)));
            facts.Add(Api("voicemail-seconds", FactValue.Between(5, null), TextKeys.ApiVoicemail, ("callId", id)));
        }

        if (!string.IsNullOrEmpty(call.Recording) || !string.IsNullOrEmpty(call.Asset))
        {
            facts.Add(Api("link-visible", FactValue.Yes, TextKeys.ApiRecordingLink, ("callId", id)));
        }

        if (!string.IsNullOrEmpty(call.Recording))
        {
            // A recording exists, so recording was on, and this was not the unrecorded second of two parallel calls.
            facts.Add(Api("recording-enabled", FactValue.Yes, TextKeys.ApiRecordingExists, ("callId", id)));
            facts.Add(Api("parallel-second", FactValue.No, TextKeys.ApiRecordingExists, ("callId", id)));
        }

        return facts;
    }

    /// <summary>A number Aircall told us (webhook <c>number.deleted</c>) it deleted: no API request needed to know it is gone.</summary>
    public IReadOnlyList<Fact> MapDeletedNumber(long numberId, DateTimeOffset deletedAt) =>
        [Api("number-exists", FactValue.No, TextKeys.ApiNumberDeletedEvent, ("numberId", Id(numberId)), ("deletedAt", EvidenceValue.DateTime(deletedAt.ToUnixTimeSeconds())))];

    public IReadOnlyList<Fact> MapNumber(long numberId, AircallResult<AircallNumber> number)
    {
        var facts = new List<Fact>();
        switch (number.Status)
        {
            case AircallStatus.NotFound:
                facts.Add(Api("number-exists", FactValue.No, TextKeys.ApiNumberDeleted, ("numberId", Id(numberId))));
                break;
            case AircallStatus.Ok when number.Value is { } value:
                var name = string.IsNullOrWhiteSpace(value.Name) ? Id(numberId) : value.Name;
                facts.Add(Api("number-exists", FactValue.Yes, TextKeys.ApiNumberExists, ("number", name)));
                if (value.LiveRecordingActivated == false)
                {
                    // Today's setting, not necessarily the one at call time: the evidence says so.
                    facts.Add(Api("recording-enabled", FactValue.No, TextKeys.ApiRecordingOff, ("number", name)));
                }

                break;
        }

        return facts;
    }

    /// <summary>Another call of the same user, started earlier and still going when this one started.</summary>
    public Fact MapParallel(AircallCall call, IReadOnlyList<AircallCall> userCalls)
    {
        var start = call.StartedAt!.Value;
        var earlier = userCalls
            .Where(c => c.Id != call.Id && c.StartedAt is { } s && s < start && (c.EndedAt is null || c.EndedAt > start))
            .OrderByDescending(c => c.StartedAt)
            .FirstOrDefault();
        return earlier is null
            ? Api("parallel-second", FactValue.No, TextKeys.ApiNoParallel, ("callId", Id(call.Id)))
            : Api("parallel-second", FactValue.Yes, TextKeys.ApiParallel,
                ("callId", Id(call.Id)), ("otherId", Id(earlier.Id)), ("otherStart", EvidenceValue.Time(earlier.StartedAt!.Value)),
                ("otherEnd", earlier.EndedAt is { } e ? EvidenceValue.Time(e) : "—"), ("start", EvidenceValue.DateTime(start)));
    }

    private static Fact Api(string id, FactValue value, string key, params (string, string)[] args) =>
        new(id, value, FactSource.Api, Evidence.Of(key, args));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
