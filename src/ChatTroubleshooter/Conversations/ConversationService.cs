using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Observability;
using ChatTroubleshooter.Places;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// The one conversation core every channel calls: a turn in, an outcome out. It reads facts from text and call data,
/// runs the shared rules, asks what separates the causes still possible, and keeps the state in between. It decides
/// what every way in shares (masking, threads, replays) and knows no channel and no feature: features add their
/// commands and intents (<see cref="ITurnCommand"/>, <see cref="IIntentHandler"/>).
/// </summary>
public sealed partial class ConversationService(
    Knowledge knowledge,
    TextFactExtractor extractor,
    IConversationStore store,
    ICallFactsProvider calls,
    Diagnoses diagnoses,
    ConversationSteps steps,
    DiagnosisClicks clicks,
    TurnLanguage languages,
    IEnumerable<ITurnCommand> commands,
    IEnumerable<IIntentHandler> intents,
    TimeProvider time,
    IOptions<ConversationOptions> options,
    ILogger<ConversationService> logger)
{
    /// <summary>The call id in the help texts' examples, replaced by a demo call's in demo mode.</summary>
    private const string HelpExampleId = "1234567";

    private const int MaxStoredInput = 200;
    private const int MaxSaveAttempts = 5;

    private readonly ReplyComposer _composer = new(knowledge);
    private readonly ITurnCommand[] _commands = [.. commands];
    private readonly IIntentHandler[] _intents = [.. intents];

    /// <summary>The reply to a turn (the terminal, which has no messages to replace and no channel to mask for).</summary>
    public async Task<Reply> HandleAsync(Turn turn, CancellationToken ct) => (await HandleTurnAsync(turn, ct)).Reply;

    /// <summary>
    /// Everything a channel needs to send for a turn: the reply, whether it replaces the clicked message, the question
    /// an accepted answer closed, a re-check to schedule, work to start, and whether phone numbers must be masked.
    /// </summary>
    public async Task<TurnOutcome> HandleTurnAsync(Turn turn, CancellationToken ct)
    {
        var outcome = turn.Intent switch
        {
            Said or Answer or Restart or Recheck => await ConverseAsync(turn, ct),
            _ when clicks.TryHandle(turn, ct) is { } click => await click,
            var intent when Array.Find(_intents, h => h.Handles(intent)) is { } feature => await feature.HandleAsync(turn, HandleTurnAsync, ct),
            var intent => throw new InvalidOperationException($"No handler for {intent.GetType().Name}: its feature is not registered."),
        };
        var withheld = outcome.PrivateToUser && turn.Visibility == Visibility.Shared && !turn.PrivateReplyPossible;
        if (withheld)
        {
            logger.LogInformation("A reply for the user alone was asked where the channel can only post for everyone; not sent.");
        }

        return outcome with { MaskPhoneNumbers = turn.Visibility == Visibility.Shared, InThread = turn.ReplyInThread, Withheld = withheld };
    }

    private async Task<TurnOutcome> ConverseAsync(Turn turn, CancellationToken ct)
    {
        // Optimistic concurrency: when another instance saved the conversation meanwhile, re-read and redo the turn.
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetAsync(turn.ConversationKey, ct);
            var live = existing is not null && time.GetUtcNow() - existing.UpdatedAt <= options.Value.IdleTimeout ? existing : null;
            if (turn.Id is not null && live?.LastTurnId == turn.Id && live.LastTurnResult is { } stored
                && System.Text.Json.JsonSerializer.Deserialize(stored, ConversationsJson.Default.TurnOutcome) is { } replayed)
            {
                // The same piece of work again (a retry after a crash): same result, nothing applied twice.
                return replayed;
            }

            var (result, updated) = await DecideAsync(turn, live, ct);
            if (updated is not null && turn.Id is not null)
            {
                updated = updated with { LastTurnId = turn.Id, LastTurnResult = System.Text.Json.JsonSerializer.Serialize(result, ConversationsJson.Default.TurnOutcome) };
            }

            if (updated is null || await store.TrySaveAsync(updated, existing?.Version ?? 0, ct))
            {
                if (updated is not null)
                {
                    result = result with { Reply = await RecordAsync(turn, result.Reply, updated, ct) };
                }

                return result;
            }

            if (attempt == MaxSaveAttempts)
            {
                logger.LogWarning("Conversation {Key} kept changing under us; giving up after {Attempts} attempts.", turn.ConversationKey, attempt);
                return new TurnOutcome(_composer.Message(existing?.Language ?? languages.For(turn, null), MessageKind.Error, TextKeys.ErrorGeneric));
            }
        }
    }

    private async Task<(TurnOutcome Outcome, Conversation? Updated)> DecideAsync(Turn turn, Conversation? existing, CancellationToken ct)
    {
        (Reply Reply, Conversation? Updated) decided;
        if (!turn.IsInPlace(turn.ConversationKey))
        {
            // A question's button clicked somewhere else than where it was asked (a forged or copied value): nothing changes.
            return (new TurnOutcome(_composer.Message(languages.For(turn, null), MessageKind.Info, TextKeys.ErrorExpired)), null);
        }

        if (turn.Intent is Answer or Recheck)
        {
            decided = turn.Intent is Answer answer ? steps.DecideAnswer(turn, answer, existing) : await DecideRecheckAsync(turn, existing, ct);
            return (Outcome(turn, decided.Reply, decided.Updated, existing), decided.Updated);
        }

        // "/norecording 1234567" or "norecording help" (Teams command menu): the command word is not part of the question.
        var text = CommandWord().Replace(turn.Text ?? "", "");
        var open = existing is { IsOpen: true } ? existing : null;
        var language = turn.ForcedLanguage is { } forced && Languages.Supported.Contains(forced) ? forced : open?.Language ?? languages.For(turn, text);
        if (await DecideWithoutReadingAsync(turn, text, language, open, existing, ct) is { } early)
        {
            return early;
        }

        decided = await DecideMessageAsync(turn, text, language, open, ct);
        return (Outcome(turn, decided.Reply, decided.Updated, existing), decided.Updated);
    }

    private TurnOutcome Outcome(Turn turn, Reply reply, Conversation? updated, Conversation? before) => new(reply)
    {
        Answered = updated is not null && turn.Intent is Answer answer && before is not null ? steps.Answered(before, answer) : null,
        // "Start over" clicked on a question: the question gives way to the restart message.
        ReplacesClicked = turn.Intent is Restart,
        PrivateToUser = reply is DraftReply,
    };

    /// <summary>What a message decides before it is read for facts: a restart, a draft, help, a feature's command, a typed answer, small talk.</summary>
    private async Task<(TurnOutcome, Conversation?)?> DecideWithoutReadingAsync(
        Turn turn, string text, string language, Conversation? open, Conversation? existing, CancellationToken ct)
    {
        var smallTalk = extractor.ReadSmallTalk(text);
        if (turn.Intent is Restart || smallTalk?.Kind == SmallTalk.Restart)
        {
            // Says so even when nothing was open: the user may not know it had ended.
            var restarted = _composer.Message(open?.Language ?? TurnLanguage.ForSmallTalk(turn, smallTalk?.Languages), MessageKind.Info, TextKeys.Restarted);
            var closed = open is null ? null : open with { Closed = true, PendingFactId = null, UpdatedAt = time.GetUtcNow() };
            return (Outcome(turn, restarted, closed, existing), closed);
        }

        // Only where the reply is private (terminal, DM, slash command): a draft is never shown in a channel.
        if (turn.Visibility == Visibility.Private && DraftCommand().Match(text.Trim()) is { Success: true } draft && existing?.DiagnosisId is { } last)
        {
            // "draft" or "draft es" after a diagnosis (the terminal has no buttons).
            var draftLanguage = draft.Groups[1].Success ? draft.Groups[1].Value.ToLowerInvariant() : null;
            var drafted = (await clicks.DraftAsync(turn, new DraftRequest(last, draftLanguage), ct)).Reply;
            return (new TurnOutcome(drafted) { PrivateToUser = drafted is DraftReply }, null);
        }

        if (extractor.IsHelpRequest(text))
        {
            return (new TurnOutcome(Help(language)), null);
        }

        foreach (var command in _commands)
        {
            if (await command.TryAsync(turn, text, language, ct) is { } done)
            {
                return (done, null);
            }
        }

        if (open?.PendingFactId is { } pending && steps.TypedAnswer(text, pending, language) is { } typed)
        {
            var (reply, updated) = steps.DecideAnswer(turn, new Answer(open.Id, pending, typed), open);
            return (new TurnOutcome(reply) { PrivateToUser = reply is DraftReply }, updated);
        }

        if (smallTalk is not { Kind: SmallTalk.Greeting or SmallTalk.Thanks } talk)
        {
            return null;
        }

        // Neither opens a conversation nor touches the open one.
        var talkLanguage = open?.Language ?? TurnLanguage.ForSmallTalk(turn, talk.Languages);
        return (new TurnOutcome(talk.Kind == SmallTalk.Greeting
            ? _composer.Message(talkLanguage, MessageKind.Info, TextKeys.Greeting, ("example", calls.ExampleCallIds.FirstOrDefault() ?? HelpExampleId))
            : _composer.Message(talkLanguage, MessageKind.Info, TextKeys.Thanks)), null);
    }

    /// <summary>A message read for facts: more about the open conversation, or a new one (a call id, another problem).</summary>
    private async Task<(Reply Reply, Conversation? Updated)> DecideMessageAsync(Turn turn, string text, string language, Conversation? open, CancellationToken ct)
    {
        // Read once: the text in the conversation's language (or the new message's, when nothing is open).
        var reading = extractor.Read(text, language);
        if (open?.PendingFactId is { } asked && reading.CallId is null && !reading.Facts.Any(f => f.Id == asked))
        {
            var words = TextFactExtractor.WordCount(text);
            if (words < 3 && reading.Facts.Count == 0)
            {
                // "asdfgh", "7", "banana": the same question again, with how to answer it.
                return (steps.Reask(open), null);
            }

            var detected = words >= 3 ? extractor.DetectLanguage(text) : null;
            if (words >= 3 && (reading.Facts.Count == 0 || (detected is not null && detected != open.Language)))
            {
                // A new problem, not more about this call: a conversation of its own, in its own language (a forced
                // language first, as everywhere; else the one detected, else the platform's).
                var own = turn.ForcedLanguage is not null || detected is null ? languages.For(turn, null) : detected;
                var fresh = New(turn, text, own, own == language ? reading : extractor.Read(text, own));
                return steps.Continue(fresh, [_composer.Text(fresh.Language, TextKeys.NoticeNewConversation)]);
            }
        }

        var notices = new List<string>();
        var conversation = open is not null && reading.CallId is null
            ? open with { Facts = open.Facts.MergeAll(reading.Facts), Hints = open.Hints.Union(reading.Hints).ToHashSet(StringComparer.Ordinal) }
            : New(turn, text, open is null ? language : languages.For(turn, text), reading);
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

        notices.AddRange(reading.Contradicted.Select(fact => _composer.Text(language, TextKeys.NoticeContradiction, ("fact", _composer.Text(language, $"fact.{fact}")))));
        return reading.CallId is { } callId ? await LookUpAsync(turn, conversation with { CallId = callId }, language, notices, ct) : steps.Continue(conversation, notices);
    }

    /// <summary>The conversation's call looked up in Aircall: its facts join the text's, or the wait is said when it is not ready.</summary>
    private async Task<(Reply Reply, Conversation? Updated)> LookUpAsync(Turn turn, Conversation conversation, string language, List<string> notices, CancellationToken ct)
    {
        var callId = conversation.CallId!;
        var lookup = await calls.LookupAsync(callId, CallRequester.Of(turn), ct);
        conversation = conversation with { Country = lookup.Country };
        if (lookup is { Status: CallLookupStatus.NotReady, RecheckAfter: { } delay })
        {
            // Say so now, keep the text's facts, and answer when the channel sends the re-check turn.
            var wait = string.Join(' ', lookup.Notices.Select(n => _composer.FormatEvidence(n, language)));
            return (new NotReadyReply(language, callId, wait, delay) { Notices = notices }, conversation with { UpdatedAt = time.GetUtcNow(), PendingFactId = null });
        }

        notices.AddRange(LookupNotices(lookup, language));
        return steps.Continue(conversation with { Facts = conversation.Facts.MergeAll(lookup.Facts) }, notices);
    }

    /// <summary>A new conversation for a message, in <paramref name="language"/>, with the facts its text gives.</summary>
    private Conversation New(Turn turn, string text, string language, TextReading reading) =>
        new(turn.ConversationKey, diagnoses.NewId(), language, FactSet.From(reading.Facts), new HashSet<string>(StringComparer.Ordinal), time.GetUtcNow())
        {
            Input = Shorten(PhoneNumbers.Mask(text.Trim())),
            Hints = reading.Hints,
        };

    /// <summary>Usage in a language; in demo mode the examples are the demo call ids.</summary>
    private HelpReply Help(string language)
    {
        var help = _composer.Help(language);
        return calls.ExampleCallIds is [var example, ..]
            ? help with { Examples = [.. help.Examples.Select(e => e.Replace(HelpExampleId, example, StringComparison.Ordinal))] }
            : help;
    }


    private async Task<(Reply Reply, Conversation? Updated)> DecideRecheckAsync(Turn turn, Conversation? conversation, CancellationToken ct)
    {
        // Nothing to do when the conversation moved on (answered, expired, or a new question) meanwhile.
        if (conversation is not { IsOpen: true, CallId: { } callId, PendingFactId: null, QuestionsAsked: 0 })
        {
            return (_composer.Message(conversation?.Language ?? Languages.Default, MessageKind.Info, TextKeys.ErrorAlreadyAnswered), null);
        }

        var lookup = await calls.LookupAsync(callId, CallRequester.Of(turn), ct);
        var notices = LookupNotices(lookup, conversation.Language).ToList();
        return steps.Continue(conversation with { Facts = conversation.Facts.MergeAll(lookup.Facts), Country = lookup.Country ?? conversation.Country }, notices);
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


    /// <summary>A reply given, counted and recorded; a diagnosis comes back with what the features did with it (written onto the call).</summary>
    private async Task<Reply> RecordAsync(Turn turn, Reply reply, Conversation conversation, CancellationToken ct)
    {
        switch (reply)
        {
            case QuestionReply question:
                BotMetrics.Questions.Add(1, new KeyValuePair<string, object?>("fact", question.FactId));
                return reply;
            case DiagnosisReply diagnosis:
                await diagnoses.RecordAsync(diagnosis, turn.Channel, turn.Place, conversation.QuestionsAsked, conversation.Input, conversation.Country, ct);
                var followed = await diagnoses.FollowAsync(new DiagnosisGiven(diagnosis, conversation.Facts, turn.Channel, turn.UserName ?? turn.UserId), ct);
                return diagnoses.WithNotices(diagnosis, followed);
            default:
                return reply;
        }
    }


    private static string? Shorten(string text) => text.Length == 0 ? null : text.Length <= MaxStoredInput ? text : text[..MaxStoredInput];

    /// <summary>The welcome when the bot is added to a conversation: the usage, in the language the platform gives.</summary>
    public HelpReply Welcome(string? locale) => Help(Languages.FromLocale(locale) ?? Languages.Default);

    [System.Text.RegularExpressions.GeneratedRegex(@"^draft(?:\s+([a-zA-Z]{2}))?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex DraftCommand();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*/?norecording\b\s*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CommandWord();
}
