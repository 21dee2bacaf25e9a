using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// The clicks on a diagnosis given (feedback, summary, customer draft, back to the diagnosis): each acts only where the
/// diagnosis was given; an unknown or expired one gets a short message in the user's language instead.
/// </summary>
public sealed class DiagnosisClicks(
    Knowledge knowledge, Diagnoses diagnoses, IFeedbackStore feedback, TurnLanguage languages, TimeProvider time, ILogger<DiagnosisClicks> logger)
{
    private readonly ReplyComposer _composer = new(knowledge);

    /// <summary>The outcome of a click on a diagnosis, or null when the intent is not one.</summary>
    public Task<TurnOutcome>? TryHandle(Turn turn, CancellationToken ct) => turn.Intent switch
    {
        FeedbackClick click => FeedbackAsync(turn, click, ct),
        SummaryRequest summary => SummaryAsync(turn, summary.DiagnosisId, ct),
        DraftRequest draft => DraftAsync(turn, draft, ct),
        ShowDiagnosis shown => DiagnosisAgainAsync(turn, shown.DiagnosisId, ct),
        _ => null,
    };

    /// <summary>"This link has expired" in the user's language: a click on something unknown here.</summary>
    public TurnOutcome Expired(Turn turn) => new(_composer.Message(languages.For(turn, null), MessageKind.Info, TextKeys.ErrorExpired));

    /// <summary>
    /// A "solved" / "not solved" click: stored once per user and diagnosis; the diagnosis is shown again in place of the
    /// clicked one, with a thank-you line instead of the buttons (and, when not solved, the escalation summary).
    /// </summary>
    private async Task<TurnOutcome> FeedbackAsync(Turn turn, FeedbackClick click, CancellationToken ct)
    {
        if (await diagnoses.FindHereAsync(turn, click.DiagnosisId, ct) is not var (record, reply))
        {
            return Expired(turn);
        }

        var stored = await feedback.AddFeedbackAsync(new FeedbackRecord(
            click.DiagnosisId, turn.UserId, reply.ConfirmedCauseIds, click.Helpful, Diagnoses.ChannelName(turn.Channel), record.Language, time.GetUtcNow()), ct);
        logger.LogInformation("Feedback on {DiagnosisId}: {Helpful}{Repeat}", click.DiagnosisId, click.Helpful ? "solved" : "not solved", stored ? "" : " (repeat, not counted)");
        return new TurnOutcome(reply with
        {
            FeedbackThanks = _composer.Text(record.Language, TextKeys.FeedbackThanks),
            Escalated = !click.Helpful,
        })
        {
            ReplacesClicked = true,
        };
    }

    /// <summary>
    /// The customer draft of a diagnosis, shown only to the agent who asked: in the language asked for, else the language
    /// of the country of the call's number, else the diagnosis's. Switching the language replaces the draft shown.
    /// </summary>
    public async Task<TurnOutcome> DraftAsync(Turn turn, DraftRequest request, CancellationToken ct)
    {
        if (await diagnoses.FindHereAsync(turn, request.DiagnosisId, ct) is not var (record, reply))
        {
            return Expired(turn) with { PrivateToUser = true };
        }

        var language = request.Language is { } asked && Languages.Supported.Contains(asked) ? asked
            : CustomerLanguage(record.Country) ?? record.Language;
        return new TurnOutcome(_composer.Draft(reply, language)) { PrivateToUser = true, ReplacesClicked = request.Language is not null };
    }

    /// <summary>A diagnosis shown again in place of its draft (Teams' "Back to the diagnosis").</summary>
    private async Task<TurnOutcome> DiagnosisAgainAsync(Turn turn, string diagnosisId, CancellationToken ct) =>
        await diagnoses.FindHereAsync(turn, diagnosisId, ct) is var (_, reply) ? new TurnOutcome(reply) { ReplacesClicked = true } : Expired(turn);

    /// <summary>A diagnosis's support-ticket summary on its own, in the diagnosis's language, for the user who asked only.</summary>
    private async Task<TurnOutcome> SummaryAsync(Turn turn, string diagnosisId, CancellationToken ct) =>
        await diagnoses.FindHereAsync(turn, diagnosisId, ct) is var (_, reply)
            ? new TurnOutcome(new SummaryReply(reply.Language, reply.EscalationTitle, reply.Escalation)) { PrivateToUser = true }
            : Expired(turn);

    /// <summary>The language customers of a number's country most likely read (ES → es, BR → pt, BE → nl, else English).</summary>
    internal static string? CustomerLanguage(string? country) => country?.ToUpperInvariant() switch
    {
        null or "" => null,
        "ES" => "es",
        "FR" => "fr",
        "DE" or "AT" or "CH" => "de",
        "IT" => "it",
        "PT" or "BR" => "pt",
        "NL" or "BE" => "nl",
        _ => "en",
    };
}
