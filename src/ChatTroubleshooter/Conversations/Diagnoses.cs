using System.Text.Json;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Observability;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// The diagnoses given, in a conversation or an alert: recorded with where they were given (their buttons act only there)
/// and found again for a click. Also the diagnosis from data alone that alerts post.
/// </summary>
public sealed class Diagnoses(
    Knowledge knowledge, IDiagnosisLog log, IEnumerable<IDiagnosisFollower> followers, TimeProvider time, ILogger<Diagnoses> logger)
{
    private readonly ReplyComposer _composer = new(knowledge);
    private readonly IDiagnosisFollower[] _followers = [.. followers];

    /// <summary>Every fact of the rules, as "already asked": a diagnosis from data alone asks nothing.</summary>
    private readonly HashSet<string> _everyFact = knowledge.Rules.FactsById.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>Time-ordered (UUID v7): diagnoses are stored and indexed by this id.</summary>
    public string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>
    /// A diagnosis a click names, when it was given where the click happened (same channel, Slack team or Teams tenant,
    /// and conversation); null otherwise, so a click from elsewhere (a forged or replayed id) reads and counts nothing.
    /// </summary>
    public async Task<(DiagnosisRecord Record, DiagnosisReply Reply)?> FindHereAsync(Turn turn, string diagnosisId, CancellationToken ct)
    {
        // Given here, or (stored before Teams channel places dropped the thread) in a thread of this place.
        if (await log.GetDiagnosisAsync(diagnosisId, ct) is not { } record
            || record.Place is not { } given || !turn.IsInPlace(given)
            || JsonSerializer.Deserialize(record.ReplyJson, ConversationsJson.Default.DiagnosisReply) is not { } reply)
        {
            return null;
        }

        return (record, reply);
    }

    /// <summary>
    /// A diagnosis from data alone, for a proactive alert: nothing is asked, so every cause the data cannot decide is
    /// "possible", with the same rules, evidence and steps as in a conversation. It is recorded like any other, with
    /// <paramref name="place"/>, so its buttons work where it is posted.
    /// </summary>
    public async Task<DiagnosisReply> FromDataAsync(
        ChatChannel channel, string place, AlertSource alert, IReadOnlyList<Fact> facts, string language, IReadOnlyList<string> notices, CancellationToken ct)
    {
        var known = FactSet.From(facts);
        var diagnosis = FromData(known);
        var reply = _composer.Diagnosis(diagnosis, known, language, NewId(), alert.CallId) with { Notices = notices, Alert = alert };
        await RecordAsync(reply, channel, place, questions: 0, input: null, country: null, ct);
        logger.LogInformation("Alert diagnosis {DiagnosisId} ({Kind}) for call {CallId}: {Causes}",
            reply.DiagnosisId, diagnosis.Kind, alert.CallId, string.Join(',', reply.Causes.Select(c => c.Id)));
        return reply;
    }

    /// <summary>
    /// The diagnosis the data alone makes (an alert's, a link's status): every fact counts as asked, so what the data
    /// cannot decide stays possible.
    /// </summary>
    public Diagnosis FromData(FactSet known) => (Diagnosis)Diagnoser.Decide(knowledge.Rules, known, _everyFact);

    /// <summary>A diagnosis given: counted by cause, and logged with where it was given, for its buttons and the stats.</summary>
    public async Task RecordAsync(DiagnosisReply diagnosis, ChatChannel channel, string place, int questions, string? input, string? country, CancellationToken ct)
    {
        var causes = diagnosis.Causes.Select(c => c.Id).ToArray();
        foreach (var cause in diagnosis.Kind == DiagnosisKind.Confirmed ? causes : [diagnosis.Kind.ToString()])
        {
            BotMetrics.Diagnoses.Add(1, new KeyValuePair<string, object?>("cause", cause));
        }

        await log.AddDiagnosisAsync(new DiagnosisRecord(
            diagnosis.DiagnosisId,
            ChannelName(channel),
            diagnosis.Language,
            diagnosis.Kind.ToString(),
            causes,
            questions,
            input,
            time.GetUtcNow(),
            JsonSerializer.Serialize(diagnosis with { Notices = [] }, ConversationsJson.Default.DiagnosisReply))
        {
            Country = country,
            Place = place,
        }, ct);
    }

    /// <summary>
    /// Tells the features that act on a diagnosis (write-back onto the call) that it was given; what they did, as notices
    /// for the reply in any language. A feature that fails says so in its log: the diagnosis is answered all the same.
    /// </summary>
    public async Task<IReadOnlyList<Evidence>> FollowAsync(DiagnosisGiven given, CancellationToken ct)
    {
        if (_followers.Length == 0)
        {
            return [];
        }

        var notices = new List<Evidence>();
        foreach (var follower in _followers)
        {
            notices.AddRange(await follower.FollowAsync(given, ct));
        }

        return notices;
    }

    /// <summary>The reply with what the followers did, in its language, after its own notices.</summary>
    public DiagnosisReply WithNotices(DiagnosisReply reply, IReadOnlyList<Evidence> notices) => notices.Count == 0
        ? reply
        : reply with { Notices = [.. reply.Notices, .. notices.Select(n => _composer.FormatEvidence(n, reply.Language))] };

    /// <summary>The channel's name in stored diagnoses and feedback (and the stats by channel).</summary>
    public static string ChannelName(ChatChannel channel) => channel.ToString().ToLowerInvariant();
}

/// <summary>A diagnosis just given, in a conversation or an alert, for the features that act on it.</summary>
/// <param name="Facts">What it was decided from: a follower may tell it again in another language.</param>
/// <param name="AskedBy">Who asked (a user's name), or null for an alert nobody asked for.</param>
public sealed record DiagnosisGiven(DiagnosisReply Reply, FactSet Facts, ChatChannel Channel, string? AskedBy);

/// <summary>
/// A feature told of every diagnosis given, once it is recorded (see <see cref="Diagnoses.FollowAsync"/>): it may act on
/// it and say so, as notices (a text key and its arguments) the channel shows in each reply's language.
/// </summary>
public interface IDiagnosisFollower
{
    Task<IReadOnlyList<Evidence>> FollowAsync(DiagnosisGiven given, CancellationToken ct);
}

/// <summary>
/// What the core stores as JSON besides the conversation: a diagnosis's reply, a turn's result (for a replayed turn).
/// Source-generated, with the default (PascalCase) names these were stored with before.
/// </summary>
[JsonSerializable(typeof(DiagnosisReply))]
[JsonSerializable(typeof(TurnOutcome))]
internal sealed partial class ConversationsJson : JsonSerializerContext;
