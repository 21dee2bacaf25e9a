using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Extraction;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Rules;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Conversations;

/// <summary>
/// The steps of a conversation that need no I/O: an answer applied, the next question or the diagnosis, a question asked
/// again, a typed answer read. The core (<see cref="ConversationService"/>) reads and saves around them.
/// </summary>
public sealed class ConversationSteps(
    Knowledge knowledge, TextFactExtractor extractor, Diagnoses diagnoses, TurnLanguage languages, TimeProvider time, ILogger<ConversationService> logger)
{
    /// <summary>The fact asked when Aircall shows a recording (see <see cref="Continue"/>).</summary>
    private const string RecordingOpens = "recording-opens";

    private readonly ReplyComposer _composer = new(knowledge);

    /// <summary>The open question again, same number, with a line saying how to answer it.</summary>
    public QuestionReply Reask(Conversation open)
    {
        var fact = knowledge.Rules.FactsById[open.PendingFactId!];
        var question = _composer.Question(fact, open.Language, open.Id, open.QuestionsAsked) with { ConversationKey = open.Key };
        var options = string.Join(", ", question.Options.Select((o, i) => $"{i + 1} {o.Label}"));
        return question with { Notices = [_composer.Text(open.Language, TextKeys.PickOption, ("options", options))] };
    }

    /// <summary>An answer to the open question: its fact settled, then the next question or the diagnosis.</summary>
    public (Reply Reply, Conversation? Updated) DecideAnswer(Turn turn, Answer answer, Conversation? conversation)
    {
        if (conversation is null || conversation.Id != answer.ConversationId)
        {
            return (_composer.Message(languages.For(turn, null), MessageKind.Info, TextKeys.ErrorExpired), null);
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

    /// <summary>What the facts known so far lead to: the call is fine, a question, or the diagnosis.</summary>
    public (Reply Reply, Conversation Updated) Continue(Conversation conversation, IReadOnlyList<string> notices)
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
                var id = diagnoses.NewId();
                var reply = _composer.Diagnosis(diagnosis, conversation.Facts, conversation.Language, id, conversation.CallId) with { Notices = notices };
                logger.LogInformation("Diagnosis {DiagnosisId} ({Kind}) after {Questions} question(s): {Causes}",
                    id, diagnosis.Kind, conversation.QuestionsAsked, string.Join(',', reply.Causes.Select(c => c.Id)));
                return (reply, conversation with { DiagnosisId = id, PendingFactId = null });
            }

            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }


    /// <summary>The question an answer closed, as it was asked.</summary>
    public AnsweredQuestion? Answered(Conversation before, Answer answer) =>
        knowledge.Rules.FactsById.TryGetValue(answer.FactId, out var fact)
            ? new AnsweredQuestion(_composer.Question(fact, before.Language, before.Id, before.QuestionsAsked) with { ConversationKey = before.Key }, answer.Value)
            : null;

    /// <summary>A typed reply to a pending question: yes/no/not sure, or an option's label.</summary>
    public string? TypedAnswer(string text, string factId, string language)
    {
        var fact = knowledge.Rules.FactsById[factId];
        // The conversation's language first; else any language's, when they agree ("no lo sé" to an English question).
        var yesNo = extractor.ReadYesNoUnknown(text, language);
        if (yesNo is not null && (yesNo == AnswerOption.Unknown || fact.Type == FactType.YesNo))
        {
            return yesNo;
        }

        var typed = Tokenizer.Normalize(text.Trim().TrimEnd('.', '!'));
        return fact.Options.FirstOrDefault(o => Tokenizer.Normalize(_composer.Text(language, o.TextKey)) == typed)?.Value;
    }


    /// <summary>A recording Aircall has for the call (its evidence says so: the API's recording field, not the user's words).</summary>
    private static bool HasRecording(FactSet facts) =>
        facts["recording-enabled"] is { Source: FactSource.Api, Evidence.Key: TextKeys.ApiRecordingExists, Value: var v } && v == FactValue.Yes;
}
