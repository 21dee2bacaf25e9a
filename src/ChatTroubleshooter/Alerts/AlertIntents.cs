using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Alerts;

/// <summary>"Expected" on an alert: mute that number's alerts (said in the alert's thread, for everyone there: who muted it).</summary>
public sealed record MuteRequest(string DiagnosisId, long NumberId, string NumberName) : Intent;

/// <summary>"Investigate" on an alert: a conversation about that call in the alert's thread.</summary>
public sealed record Investigate(string DiagnosisId, string CallId) : Intent;

/// <summary>
/// The clicks on an alert: honoured only where the alert was posted (like every diagnosis's buttons). "Expected" mutes the
/// number's alerts for 24 hours and says who did; "Investigate" goes on as a conversation about the call.
/// </summary>
internal sealed class AlertIntents(
    Knowledge knowledge, Diagnoses diagnoses, DiagnosisClicks clicks, IAlertMutes mutes, TurnLanguage languages, TimeProvider time, ILogger<AlertIntents> logger)
    : IIntentHandler
{
    /// <summary>How long "Expected" on an alert mutes its number.</summary>
    public static readonly TimeSpan MuteFor = TimeSpan.FromHours(24);

    private readonly ReplyComposer _composer = new(knowledge);

    public bool Handles(Intent intent) => intent is MuteRequest or Investigate;

    public async Task<TurnOutcome> HandleAsync(Turn turn, Converse converse, CancellationToken ct)
    {
        var (diagnosisId, investigate) = turn.Intent switch
        {
            MuteRequest mute => (mute.DiagnosisId, (Investigate?)null),
            Investigate i => (i.DiagnosisId, i),
            var other => throw new InvalidOperationException($"Not an alert's intent: {other.GetType().Name}."),
        };
        if (await diagnoses.FindHereAsync(turn, diagnosisId, ct) is null)
        {
            return clicks.Expired(turn);
        }

        if (investigate is not null)
        {
            return await converse(turn with { Text = investigate.CallId }, ct);
        }

        var muted = (MuteRequest)turn.Intent;
        var by = turn.UserName ?? turn.UserId;
        await mutes.MuteAsync(muted.NumberId, time.GetUtcNow() + MuteFor, by, ct);
        logger.LogInformation("Alerts for number {NumberId} muted for {Hours} h by {User}.", muted.NumberId, MuteFor.TotalHours, turn.UserId);
        return new TurnOutcome(_composer.Message(languages.For(turn, null), MessageKind.Info, TextKeys.AlertMuted, ("number", muted.NumberName), ("user", by)));
    }
}
