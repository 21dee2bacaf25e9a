using ChatTroubleshooter.Storage;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Rules;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Observability;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// The one conversation core every channel calls: a turn in, a reply out. It reads facts from text and call
/// data, runs the shared rules, asks what separates the causes still possible, and keeps the state in between.
/// It knows nothing about Slack, Teams or the terminal.
/// </summary>
public sealed partial class ConversationService(
    Knowledge knowledge,
    IConversationStore store,
    ICallFactsProvider calls,
    IDiagnosisLog diagnoses,
    IAlertMutes mutes,
    IFeedbackStore feedback,
    StatsService stats,
    Alerts.AlertCommands alerts,
    Audit.AuditCommands auditCommands,
    TimeProvider time,
    IOptions<ConversationOptions> options,
    ILogger<ConversationService> logger)
{
    public const string StatsCommand = "stats";

    /// <summary>The call id in the help texts' examples, replaced by a demo call's in demo mode.</summary>
    private const string HelpExampleId = "1234567";

    /// <summary>The fact asked when Aircall shows a recording (see <see cref="Continue"/>).</summary>
    private const string RecordingOpens = "recording-opens";
    private const int MaxStoredInput = 200;


    private const int MaxSaveAttempts = 5;

    private readonly TextFactExtractor _extractor = new(knowledge);
    private readonly ReplyComposer _composer = new(knowledge);

    /// <summary>Every fact of the rules, as "already asked": a diagnosis from data alone asks nothing.</summary>
    private readonly HashSet<string> _everyFact = knowledge.Rules.FactsById.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The reply to a turn (the terminal, which has no messages to replace and no channel to mask for).</summary>
    public async Task<Reply> HandleAsync(Turn turn, CancellationToken ct) => (await HandleTurnAsync(turn, ct)).Reply;

    /// <summary>
    /// Everything a channel needs to send for a turn: the reply, whether it replaces the clicked message, the question
    /// an accepted answer closed, a re-check to schedule, and whether phone numbers must be masked.
    /// </summary>
    public async Task<TurnOutcome> HandleTurnAsync(Turn turn, CancellationToken ct)
    {
        // A click on an alert acts only where the alert was posted (like every diagnosis's buttons).
        if ((turn.Mute?.DiagnosisId ?? turn.InvestigateOf) is { } alert && await DiagnosisHereAsync(turn, alert, ct) is null)
        {
            return new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired));
        }

        var command = CommandWord().Replace(turn.Text ?? "", "");
        var outcome = turn.Mute is { } mute ? await MuteAsync(turn, mute, ct)
            : turn.CancelAuditOf is { } audit ? await auditCommands.CancelAsync(turn, audit, Language(turn, null), ct)
            : turn.Answer is null && Audit.AuditCommands.IsAudit(command) ? await auditCommands.StartAsync(turn, command.Trim(), Language(turn, null), ct)
            : turn.Feedback is { } click ? await FeedbackAsync(turn, click, ct)
            : turn.SummaryOf is { } diagnosisId ? await SummaryAsync(turn, diagnosisId, ct)
            : turn.DraftOf is { } draft ? await DraftAsync(turn, draft, ct)
            : turn.DiagnosisOf is { } shown ? await DiagnosisAgainAsync(turn, shown, ct)
            : await ConverseAsync(turn, ct);
        return outcome with { MaskPhoneNumbers = turn.Visibility == Visibility.Shared, InThread = turn.ReplyInThread };
    }

    private async Task<TurnOutcome> ConverseAsync(Turn turn, CancellationToken ct)
    {
        // Optimistic concurrency: when another instance saved the conversation meanwhile, re-read and redo the turn.
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetAsync(turn.ConversationKey, ct);
            var live = existing is not null && time.GetUtcNow() - existing.UpdatedAt <= options.Value.IdleTimeout ? existing : null;
            if (turn.Id is not null && live?.LastTurnId == turn.Id && live.LastTurnResult is { } stored
                && System.Text.Json.JsonSerializer.Deserialize<TurnOutcome>(stored) is { } replayed)
            {
                // The same piece of work again (a retry after a crash): same result, nothing applied twice.
                return replayed;
            }

            var (reply, updated) = await DecideAsync(turn, live, ct);
            var result = new TurnOutcome(reply)
            {
                Answered = updated is not null && turn.Answer is { } answer && live is not null ? Answered(live, answer) : null,
                // "Start over" clicked on a question: the question gives way to the restart message.
                ReplacesClicked = turn.Restart,
                PrivateToUser = reply is DraftReply,
            };
            if (updated is not null && turn.Id is not null)
            {
                updated = updated with { LastTurnId = turn.Id, LastTurnResult = System.Text.Json.JsonSerializer.Serialize(result) };
            }

            if (updated is null || await store.TrySaveAsync(updated, existing?.Version ?? 0, ct))
            {
                if (updated is not null)
                {
                    await RecordAsync(turn, reply, updated, ct);
                }

                return result;
            }

            if (attempt == MaxSaveAttempts)
            {
                logger.LogWarning("Conversation {Key} kept changing under us; giving up after {Attempts} attempts.", turn.ConversationKey, attempt);
                return new TurnOutcome(_composer.Message(existing?.Language ?? Language(turn, null), MessageKind.Error, TextKeys.ErrorGeneric));
            }
        }
    }

    private async Task<(Reply Reply, Conversation? Updated)> DecideAsync(Turn turn, Conversation? existing, CancellationToken ct)
    {
        if (!turn.IsInPlace(turn.ConversationKey))
        {
            // A question's button clicked somewhere else than where it was asked (a forged or copied value): nothing changes.
            return (_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired), null);
        }

        if (turn.Answer is { } answer)
        {
            return DecideAnswer(turn, answer, existing);
        }

        if (turn.Recheck)
        {
            return await DecideRecheckAsync(turn, existing, ct);
        }

        // "/norecording 1234567" or "norecording help" (Teams command menu): the command word is not part of the question.
        var text = CommandWord().Replace(turn.Text ?? "", "");
        var open = existing is { IsOpen: true } ? existing : null;
        var smallTalk = _extractor.ReadSmallTalk(text);
        var language = turn.ForcedLanguage is { } forced && Languages.Supported.Contains(forced)
            ? forced
            : open?.Language ?? Language(turn, text);

        if (turn.Restart || smallTalk?.Kind == SmallTalk.Restart)
        {
            // Says so even when nothing was open: the user may not know it had ended.
            var restartLanguage = open?.Language ?? SmallTalkLanguage(turn, smallTalk?.Languages);
            return (_composer.Message(restartLanguage, MessageKind.Info, TextKeys.Restarted),
                open is null ? null : open with { Closed = true, PendingFactId = null, UpdatedAt = time.GetUtcNow() });
        }

        // Only where the reply is private (terminal, DM, slash command): a draft is never shown in a channel.
        if (turn.Visibility == Visibility.Private && DraftCommand().Match(text.Trim()) is { Success: true } draftCommand
            && existing?.DiagnosisId is { } lastDiagnosis)
        {
            // "draft" or "draft es" after a diagnosis (the terminal has no buttons).
            var draftLanguage = draftCommand.Groups[1].Success ? draftCommand.Groups[1].Value.ToLowerInvariant() : null;
            return ((await DraftAsync(turn, new DraftRequest(lastDiagnosis, draftLanguage), ct)).Reply, null);
        }

        if (_extractor.IsHelpRequest(text))
        {
            return (Help(language), null);
        }

        if (string.Equals(text.Trim(), StatsCommand, StringComparison.OrdinalIgnoreCase))
        {
            return (await stats.ReplyAsync(turn.Channel, turn.UserId, language, ct), null);
        }

        if (await alerts.TryHandleAsync(turn, text, language, ct) is { } alertsReply)
        {
            return (alertsReply, null);
        }

        if (open?.PendingFactId is { } pending && TypedAnswer(text, pending, language) is { } typed)
        {
            return DecideAnswer(turn, new Answer(open.Id, pending, typed), open);
        }

        if (smallTalk is { Kind: SmallTalk.Greeting or SmallTalk.Thanks } talk)
        {
            // Neither opens a conversation nor touches the open one.
            var talkLanguage = open?.Language ?? SmallTalkLanguage(turn, talk.Languages);
            return talk.Kind == SmallTalk.Greeting
                ? (_composer.Message(talkLanguage, MessageKind.Info, TextKeys.Greeting, ("example", calls.ExampleCallIds.FirstOrDefault() ?? HelpExampleId)), null)
                : (_composer.Message(talkLanguage, MessageKind.Info, TextKeys.Thanks), null);
        }

        // Read once: the text in the conversation's language (or the new message's, when nothing is open).
        var reading = _extractor.Read(text, language);
        if (open?.PendingFactId is { } asked && reading.CallId is null && !reading.Facts.Any(f => f.Id == asked))
        {
            var words = TextFactExtractor.WordCount(text);
            if (words < 3 && reading.Facts.Count == 0)
            {
                // "asdfgh", "7", "banana": the same question again, with how to answer it.
                return (Reask(open), null);
            }

            var detected = words >= 3 ? _extractor.DetectLanguage(text) : null;
            if (words >= 3 && (reading.Facts.Count == 0 || (detected is not null && detected != open.Language)))
            {
                // A new problem, not more about this call: a conversation of its own, in its own language (a forced
                // language first, as everywhere; else the one detected, else the platform's).
                var own = turn.ForcedLanguage is not null || detected is null ? Language(turn, null) : detected;
                var fresh = New(turn, text, own, own == language ? reading : _extractor.Read(text, own));
                return Continue(fresh, [_composer.Text(fresh.Language, TextKeys.NoticeNewConversation)]);
            }
        }

        var notices = new List<string>();
        var conversation = open is not null && reading.CallId is null
            ? open with { Facts = open.Facts.MergeAll(reading.Facts), Hints = open.Hints.Union(reading.Hints).ToHashSet(StringComparer.Ordinal) }
            : New(turn, text, open is null ? language : Language(turn, text), reading);
        if (open is not null && reading.CallId is not null)
        {
            // A call id while a question is open: that call is the new subject, in its message's language.
            language = conversation.Language;
            notices.Add(_composer.Text(language, TextKeys.NoticeNewConversation));
        }

        if (reading.HasSid && reading.CallId is null)
        {
            notices.Add(_composer.Text(language, TextKeys.NoticeSid));
        }

        foreach (var fact in reading.Contradicted)
        {
            notices.Add(_composer.Text(language, TextKeys.NoticeContradiction, ("fact", _composer.Text(language, $"fact.{fact}"))));
        }

        if (reading.CallId is { } callId)
        {
            var lookup = await calls.LookupAsync(callId, CallRequester.Of(turn), ct);
            conversation = conversation with { CallId = callId, Country = lookup.Country };
            if (lookup is { Status: CallLookupStatus.NotReady, RecheckAfter: { } delay })
            {
                // Say so now, keep the text's facts, and answer when the channel sends the re-check turn.
                var wait = string.Join(' ', lookup.Notices.Select(n => _composer.FormatEvidence(n, language)));
                return (new NotReadyReply(language, callId, wait, delay) { Notices = notices },
                    conversation with { UpdatedAt = time.GetUtcNow(), PendingFactId = null });
            }

            conversation = conversation with { Facts = conversation.Facts.MergeAll(lookup.Facts) };
            notices.AddRange(LookupNotices(lookup, language));
        }

        return Continue(conversation, notices);
    }

    /// <summary>A new conversation for a message, in <paramref name="language"/>, with the facts its text gives.</summary>
    private Conversation New(Turn turn, string text, string language, TextReading reading) =>
        new(turn.ConversationKey, NewId(), language, FactSet.From(reading.Facts), new HashSet<string>(StringComparer.Ordinal), time.GetUtcNow())
        {
            Input = Shorten(PhoneNumbers.Mask(text.Trim())),
            Hints = reading.Hints,
        };

    /// <summary>The open question again, same number, with a line saying how to answer it.</summary>
    private QuestionReply Reask(Conversation open)
    {
        var fact = knowledge.Rules.FactsById[open.PendingFactId!];
        var question = _composer.Question(fact, open.Language, open.Id, open.QuestionsAsked) with { ConversationKey = open.Key };
        var options = string.Join(", ", question.Options.Select((o, i) => $"{i + 1} {o.Label}"));
        return question with { Notices = [_composer.Text(open.Language, TextKeys.PickOption, ("options", options))] };
    }

    /// <summary>Usage in a language; in demo mode the examples are the demo call ids.</summary>
    private HelpReply Help(string language)
    {
        var help = _composer.Help(language);
        return calls.ExampleCallIds is [var example, ..]
            ? help with { Examples = [.. help.Examples.Select(e => e.Replace(HelpExampleId, example, StringComparison.Ordinal))] }
            : help;
    }

    /// <summary>A small-talk reply's language: the platform's locale when it is one of those the words belong to, else the first.</summary>
    private string SmallTalkLanguage(Turn turn, IReadOnlyList<string>? candidates) =>
        Languages.FromLocale(turn.Locale) is { } locale && (candidates is null || candidates.Contains(locale)) ? locale
        : candidates is [var only] ? only
        : Languages.FromLocale(turn.Locale) ?? candidates?.FirstOrDefault() ?? Languages.Default;

    private async Task<(Reply Reply, Conversation? Updated)> DecideRecheckAsync(Turn turn, Conversation? conversation, CancellationToken ct)
    {
        // Nothing to do when the conversation moved on (answered, expired, or a new question) meanwhile.
        if (conversation is not { IsOpen: true, CallId: { } callId, PendingFactId: null, QuestionsAsked: 0 })
        {
            return (_composer.Message(conversation?.Language ?? Languages.Default, MessageKind.Info, TextKeys.ErrorAlreadyAnswered), null);
        }

        var lookup = await calls.LookupAsync(callId, CallRequester.Of(turn), ct);
        var notices = LookupNotices(lookup, conversation.Language).ToList();
        return Continue(conversation with { Facts = conversation.Facts.MergeAll(lookup.Facts), Country = lookup.Country ?? conversation.Country }, notices);
    }

    private IEnumerable<string> LookupNotices(CallLookup lookup, string language)
    {
        if (lookup.Status == CallLookupStatus.NotConfigured)
        {
            yield return _composer.Text(language, TextKeys.NoticeLookupOff);
        }

        // A re-check that is still not ready goes on with the data as it is; the wait was already announced.
        foreach (var notice in lookup.Notices.Where(n => n.Key != TextKeys.NoticeNotReady))
        {
            yield return _composer.FormatEvidence(notice, language);
        }
    }

    private (Reply Reply, Conversation? Updated) DecideAnswer(Turn turn, Answer answer, Conversation? conversation)
    {
        if (conversation is null || conversation.Id != answer.ConversationId)
        {
            return (_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired), null);
        }

        var language = conversation.Language;
        if (!conversation.IsOpen || conversation.PendingFactId != answer.FactId)
        {
            var key = conversation.Settled.Contains(answer.FactId) || !conversation.IsOpen
                ? TextKeys.ErrorAlreadyAnswered
                : TextKeys.ErrorUnknownAnswer;
            return (_composer.Message(language, MessageKind.Info, key), null);
        }

        var fact = knowledge.Rules.FactsById[answer.FactId];
        var settled = new HashSet<string>(conversation.Settled, StringComparer.Ordinal) { fact.Id };
        var facts = conversation.Facts;
        if (answer.Value != AnswerOption.Unknown)
        {
            if (fact.FindOption(answer.Value) is not { Fact: { } value } option)
            {
                return (_composer.Message(language, MessageKind.Info, TextKeys.ErrorUnknownAnswer), null);
            }

            var evidence = Evidence.Of(TextKeys.EvidenceAnswer,
                ("question", _composer.Text(language, fact.QuestionKey)),
                ("answer", _composer.Text(language, option.TextKey)));
            facts = facts.Merge(new Fact(fact.Id, value, FactSource.Answer, evidence));
        }

        return Continue(conversation with { Facts = facts, Settled = settled, PendingFactId = null }, []);
    }

    private (Reply Reply, Conversation Updated) Continue(Conversation conversation, IReadOnlyList<string> notices)
    {
        conversation = conversation with { UpdatedAt = time.GetUtcNow() };

        // Aircall shows a recording: nothing is missing unless it does not open (then a deleted number is the lead). When
        // the number is known to be deleted, that decides: its recordings are gone whether the link opens or not.
        if (HasRecording(conversation.Facts) && conversation.Facts["number-exists"]?.Value != FactValue.No)
        {
            if (conversation.Facts[RecordingOpens]?.Value == FactValue.Yes)
            {
                var healthy = _composer.Message(conversation.Language, MessageKind.Info, TextKeys.Healthy,
                    ("callId", conversation.CallId!), ("link", CallLinks.Dashboard(conversation.CallId!))) with
                { Notices = notices };
                return (healthy, conversation with { Closed = true, PendingFactId = null });
            }

            if (!conversation.Settled.Contains(RecordingOpens))
            {
                var number = conversation.QuestionsAsked + 1;
                var ask = _composer.Question(knowledge.Rules.FactsById[RecordingOpens], conversation.Language, conversation.Id, number) with
                {
                    Notices = notices,
                    ConversationKey = conversation.Key,
                };
                return (ask, conversation with { PendingFactId = RecordingOpens, QuestionsAsked = number });
            }
        }

        switch (Diagnoser.Decide(knowledge.Rules, conversation.Facts, conversation.Settled, conversation.Hints))
        {
            case Ask ask:
            {
                var number = conversation.QuestionsAsked + 1;
                var reply = _composer.Question(ask.Fact, conversation.Language, conversation.Id, number) with
                {
                    Notices = notices,
                    ConversationKey = conversation.Key,
                };
                return (reply, conversation with { PendingFactId = ask.Fact.Id, QuestionsAsked = number });
            }

            case Diagnosis diagnosis:
            {
                var id = NewId();
                var reply = _composer.Diagnosis(diagnosis, conversation.Facts, conversation.Language, id, conversation.CallId) with { Notices = notices };
                logger.LogInformation("Diagnosis {DiagnosisId} ({Kind}) after {Questions} question(s): {Causes}",
                    id, diagnosis.Kind, conversation.QuestionsAsked, string.Join(',', reply.Causes.Select(c => c.Id)));
                return (reply, conversation with { DiagnosisId = id, PendingFactId = null });
            }

            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }

    /// <summary>
    /// A "solved" / "not solved" click on a diagnosis: stored once per user and diagnosis; the diagnosis is shown again
    /// in place of the clicked one, with a thank-you line instead of the buttons (and, when not solved, the escalation
    /// summary). An unknown or expired diagnosis gets a short message in the user's language instead.
    /// </summary>
    private async Task<TurnOutcome> FeedbackAsync(Turn turn, FeedbackClick click, CancellationToken ct)
    {
        if (await DiagnosisHereAsync(turn, click.DiagnosisId, ct) is not var (record, reply))
        {
            return new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired));
        }

        var stored = await feedback.AddFeedbackAsync(
            new FeedbackRecord(click.DiagnosisId, turn.UserId, reply.ConfirmedCauseIds, click.Helpful, ChannelName(turn.Channel), record.Language, time.GetUtcNow()), ct);
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
    /// The customer draft of a diagnosis, shown only to the agent who asked: in the language asked for, else the language of
    /// the country of the call's number, else the diagnosis's. Switching the language replaces the draft shown.
    /// </summary>
    private async Task<TurnOutcome> DraftAsync(Turn turn, DraftRequest request, CancellationToken ct)
    {
        if (await DiagnosisHereAsync(turn, request.DiagnosisId, ct) is not var (record, reply))
        {
            return new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired)) { PrivateToUser = true };
        }

        var language = request.Language is { } asked && Languages.Supported.Contains(asked) ? asked
            : CustomerLanguage(record.Country) ?? record.Language;
        return new TurnOutcome(_composer.Draft(reply, language)) { PrivateToUser = true, ReplacesClicked = request.Language is not null };
    }

    /// <summary>A diagnosis shown again in place of its draft (Teams' "Back to the diagnosis").</summary>
    private async Task<TurnOutcome> DiagnosisAgainAsync(Turn turn, string diagnosisId, CancellationToken ct) =>
        await DiagnosisHereAsync(turn, diagnosisId, ct) is var (_, reply)
            ? new TurnOutcome(reply) { ReplacesClicked = true }
            : new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired));

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

    /// <summary>A diagnosis's support-ticket summary on its own, in the diagnosis's language, for the user who asked only.</summary>
    private async Task<TurnOutcome> SummaryAsync(Turn turn, string diagnosisId, CancellationToken ct) =>
        await DiagnosisHereAsync(turn, diagnosisId, ct) is var (_, reply)
            ? new TurnOutcome(new SummaryReply(reply.Language, reply.EscalationTitle, reply.Escalation)) { PrivateToUser = true }
            : new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.ErrorExpired));

    /// <summary>How long "Expected" on an alert mutes its number.</summary>
    public static readonly TimeSpan MuteFor = TimeSpan.FromHours(24);

    /// <summary>"Expected" on an alert: that number's alerts stop for 24 hours, and the channel is told who muted them.</summary>
    private async Task<TurnOutcome> MuteAsync(Turn turn, MuteRequest mute, CancellationToken ct)
    {
        var by = turn.UserName ?? turn.UserId;
        await mutes.MuteAsync(mute.NumberId, time.GetUtcNow() + MuteFor, by, ct);
        logger.LogInformation("Alerts for number {NumberId} muted for {Hours} h by {User}.", mute.NumberId, MuteFor.TotalHours, turn.UserId);
        return new TurnOutcome(_composer.Message(Language(turn, null), MessageKind.Info, TextKeys.AlertMuted, ("number", mute.NumberName), ("user", by)));
    }

    /// <summary>
    /// A diagnosis from data alone, for a proactive alert: nothing is asked, so every cause the data cannot decide is
    /// "possible", with the same rules, evidence and steps as in a conversation. It is recorded like any other, with
    /// <paramref name="place"/>, so its buttons work where it is posted.
    /// </summary>
    public async Task<DiagnosisReply> DiagnoseFromDataAsync(
        ChatChannel channel, string place, AlertSource alert, IReadOnlyList<Fact> facts, string language, IReadOnlyList<string> notices, CancellationToken ct)
    {
        var callId = alert.CallId;
        var known = FactSet.From(facts);
        var diagnosis = (Diagnosis)Diagnoser.Decide(knowledge.Rules, known, _everyFact);
        var id = NewId();
        var reply = _composer.Diagnosis(diagnosis, known, language, id, callId) with { Notices = notices, Alert = alert };
        await RecordDiagnosisAsync(reply, channel, place, questions: 0, input: null, country: null, ct);
        logger.LogInformation("Alert diagnosis {DiagnosisId} ({Kind}) for call {CallId}: {Causes}", id, diagnosis.Kind, callId, string.Join(',', reply.Causes.Select(c => c.Id)));
        return reply;
    }

    /// <summary>
    /// A diagnosis a click names, when it was given where the click happened (same channel, Slack team or Teams tenant,
    /// and conversation); null otherwise, so a click from elsewhere (a forged or replayed id) reads and counts nothing.
    /// </summary>
    private async Task<(DiagnosisRecord Record, DiagnosisReply Reply)?> DiagnosisHereAsync(Turn turn, string diagnosisId, CancellationToken ct)
    {
        // Given here, or (stored before Teams channel places dropped the thread) in a thread of this place.
        if (await diagnoses.GetDiagnosisAsync(diagnosisId, ct) is not { } record
            || record.Place is not { } given || !turn.IsInPlace(given)
            || System.Text.Json.JsonSerializer.Deserialize<DiagnosisReply>(record.ReplyJson) is not { } reply)
        {
            return null;
        }

        return (record, reply);
    }

    /// <summary>The channel's name in stored diagnoses and feedback (and the stats by channel).</summary>
    private static string ChannelName(ChatChannel channel) => channel.ToString().ToLowerInvariant();

    private async Task RecordAsync(Turn turn, Reply reply, Conversation conversation, CancellationToken ct)
    {
        switch (reply)
        {
            case QuestionReply question:
                BotMetrics.Questions.Add(1, new KeyValuePair<string, object?>("fact", question.FactId));
                break;
            case DiagnosisReply diagnosis:
                await RecordDiagnosisAsync(diagnosis, turn.Channel, turn.Place, conversation.QuestionsAsked, conversation.Input, conversation.Country, ct);
                break;
        }
    }

    /// <summary>
    /// A diagnosis given (in a conversation or an alert): counted by cause, and logged with where it was given, for its
    /// buttons (which act only there) and the stats.
    /// </summary>
    private async Task RecordDiagnosisAsync(
        DiagnosisReply diagnosis, ChatChannel channel, string place, int questions, string? input, string? country, CancellationToken ct)
    {
        var causes = diagnosis.Causes.Select(c => c.Id).ToArray();
        foreach (var cause in diagnosis.Kind == DiagnosisKind.Confirmed ? causes : [diagnosis.Kind.ToString()])
        {
            BotMetrics.Diagnoses.Add(1, new KeyValuePair<string, object?>("cause", cause));
        }

        await diagnoses.AddDiagnosisAsync(new DiagnosisRecord(
            diagnosis.DiagnosisId,
            ChannelName(channel),
            diagnosis.Language,
            diagnosis.Kind.ToString(),
            causes,
            questions,
            input,
            time.GetUtcNow(),
            System.Text.Json.JsonSerializer.Serialize(diagnosis with { Notices = [] }))
        {
            Country = country,
            Place = place,
        }, ct);
    }

    private static string? Shorten(string text) => text.Length == 0 ? null : text.Length <= MaxStoredInput ? text : text[..MaxStoredInput];

    /// <summary>The welcome when the bot is added to a conversation: the usage, in the language the platform gives.</summary>
    public HelpReply Welcome(string? locale) => Help(Languages.FromLocale(locale) ?? Languages.Default);

    /// <summary>The question an answer closed, as it was asked.</summary>
    private AnsweredQuestion? Answered(Conversation before, Answer answer) =>
        knowledge.Rules.FactsById.TryGetValue(answer.FactId, out var fact)
            ? new AnsweredQuestion(_composer.Question(fact, before.Language, before.Id, before.QuestionsAsked) with { ConversationKey = before.Key }, answer.Value)
            : null;

    /// <summary>A typed reply to a pending question: yes/no/not sure, or an option's label.</summary>
    private string? TypedAnswer(string text, string factId, string language)
    {
        var fact = knowledge.Rules.FactsById[factId];
        // The conversation's language first; else any language's, when they agree ("no lo sé" to an English question).
        var yesNo = _extractor.ReadYesNoUnknown(text, language);
        if (yesNo is not null && (yesNo == AnswerOption.Unknown || fact.Type == FactType.YesNo))
        {
            return yesNo;
        }

        var typed = Tokenizer.Normalize(text.Trim().TrimEnd('.', '!'));
        return fact.Options.FirstOrDefault(o => Tokenizer.Normalize(_composer.Text(language, o.TextKey)) == typed)?.Value;
    }

    /// <summary>A forced language, else the text's when it is clear, else the platform's locale, else English.</summary>
    private string Language(Turn turn, string? text)
    {
        if (turn.ForcedLanguage is { } forced && Languages.Supported.Contains(forced))
        {
            return forced;
        }

        return _extractor.ChooseLanguage(text, turn.Locale);
    }

    /// <summary>A recording Aircall has for the call (its evidence says so: the API's recording field, not the user's words).</summary>
    private static bool HasRecording(FactSet facts) =>
        facts["recording-enabled"] is { Source: FactSource.Api, Evidence.Key: TextKeys.ApiRecordingExists, Value: var v } && v == FactValue.Yes;

    /// <summary>Time-ordered (UUID v7): diagnoses are stored and indexed by this id.</summary>
    private string NewId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    [System.Text.RegularExpressions.GeneratedRegex(@"^draft(?:\s+([a-zA-Z]{2}))?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex DraftCommand();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*/?norecording\b\s*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CommandWord();
}
