using ChatTroubleshooter.Caching;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Conversations;

public sealed class ConversationServiceTests
{
    private static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly ChatTroubleshooter.Storage.StateStore _state;

    public ConversationServiceTests() => _state = ChatTroubleshooter.Storage.Memory.MemoryStore.Open(_time, MemoryCacheClock.Create(_time));

    private ConversationService Service(ICallFactsProvider? calls = null) => Fakes.TestConversations.Create(_time, calls, _state);

    private static Turn Text(string text, string key = "c1", string? locale = null) => new(ChatChannel.Terminal, key, "U1", locale) { Text = text };

    private static Turn Click(QuestionReply question, string value, string key = "c1") =>
        new(ChatChannel.Terminal, key, "U1", null) { Intent = new Answer(question.ConversationId, question.FactId, value) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HandleAsync_DescriptionThenAnswers_EndsInDiagnosis()
    {
        var service = Service();

        var first = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));
        Assert.Equal("answered", first.FactId);
        Assert.Equal(["yes", "no", "unknown"], first.Options.Select(o => o.Value));

        var second = Assert.IsType<QuestionReply>(await service.HandleAsync(Click(first, "yes"), Ct));
        Assert.Equal("talk-seconds", second.FactId);
        Assert.Equal(["..4", "5..14400", "14401..", "unknown"], second.Options.Select(o => o.Value));

        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(Click(second, "..4"), Ct));
        Assert.Equal(DiagnosisKind.Confirmed, diagnosis.Kind);
        Assert.Equal(["too-short"], diagnosis.ConfirmedCauseIds);
        Assert.Contains(diagnosis.Causes[0].Evidence, e => e.Contains("Less than 5 seconds", StringComparison.Ordinal));
        Assert.Equal("https://support.aircall.io/en-gb/articles/10375353969053", diagnosis.Causes[0].Links[0].Url);
    }

    [Theory]
    [InlineData(Visibility.Shared, true)]
    [InlineData(Visibility.Private, false)]
    public async Task HandleTurnAsync_DecidesMasking_FromWhoReadsTheReply(Visibility visibility, bool masked)
    {
        var outcome = await Service().HandleTurnAsync(Text("the customer +33 6 12 34 56 78 got no recording") with { Visibility = visibility }, Ct);

        Assert.Equal(masked, outcome.MaskPhoneNumbers);
        Assert.False(outcome.ReplacesClicked);
        Assert.Null(outcome.RecheckAfter);
    }

    [Fact]
    public async Task HandleTurnAsync_Feedback_IsStoredWithTheTurnsChannel_AndReplacesTheClickedDiagnosis()
    {
        var service = Service();
        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(Text("We talked for 3 seconds and there is no recording"), Ct));

        var click = Text("") with { Channel = ChatChannel.Teams, UserId = "29:U1", Intent = new FeedbackClick(diagnosis.DiagnosisId, Helpful: false) };
        var outcome = await service.HandleTurnAsync(click, Ct);

        Assert.True(outcome.ReplacesClicked);
        var shown = Assert.IsType<DiagnosisReply>(outcome.Reply);
        Assert.True(shown.Escalated);
        Assert.NotNull(shown.FeedbackThanks);
        var stored = Assert.Single(await _state.Feedback.FeedbackSinceAsync(_time.GetUtcNow().AddMinutes(-1), Ct));
        Assert.Equal(("teams", "29:U1", false), (stored.Channel, stored.User, stored.Helpful));
        Assert.Equal(["too-short"], stored.CauseIds);
    }

    [Fact]
    public async Task HandleTurnAsync_FeedbackOnAnUnknownDiagnosis_IsAShortMessageInTheUsersLanguage_ThatReplacesNothing()
    {
        var click = new Turn(ChatChannel.Slack, "slack:T:C", "U1", "fr-FR") { Intent = new FeedbackClick("no-such-diagnosis", Helpful: true) };

        var outcome = await Service().HandleTurnAsync(click, Ct);

        Assert.False(outcome.ReplacesClicked);
        Assert.Equal("fr", Assert.IsType<MessageReply>(outcome.Reply).Language);
        Assert.Empty(await _state.Feedback.FeedbackSinceAsync(_time.GetUtcNow().AddDays(-1), Ct));
    }

    [Fact]
    public async Task HandleAsync_DescriptionThatDecides_AnswersWithoutQuestions()
    {
        var reply = await Service().HandleAsync(Text("We talked for 3 seconds and there is no recording"), Ct);

        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal(["too-short"], diagnosis.ConfirmedCauseIds);
        Assert.Contains("3 s", diagnosis.Causes[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_SpanishText_AnswersInSpanishAndKeepsItAcrossTurns()
    {
        var service = Service();

        var question = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("La llamada de ayer no tiene grabación", locale: "en-US"), Ct));
        Assert.Equal("es", question.Language);
        Assert.StartsWith("¿", question.Text, StringComparison.Ordinal);

        var next = await service.HandleAsync(Click(question, "no"), Ct);
        Assert.Equal("es", next.Language);
    }

    [Fact]
    public async Task HandleAsync_ShortText_FallsBackToThePlatformLocale()
    {
        var reply = await Service().HandleAsync(Text("https://dashboard.aircall.io/calls/1234567", locale: "de-DE"), Ct);

        Assert.Equal("de", reply.Language);
    }

    [Fact]
    public async Task HandleAsync_ShortTextAndUnknownLocale_IsEnglish()
    {
        var reply = await Service().HandleAsync(Text("1234567", locale: "ja-JP"), Ct);

        Assert.Equal("en", reply.Language);
    }

    [Fact]
    public async Task HandleAsync_CallIdWithoutLookup_SaysSoAndAsksQuestions()
    {
        var reply = await Service().HandleAsync(Text("1234567"), Ct);

        var question = Assert.IsType<QuestionReply>(reply);
        Assert.Contains(question.Notices, n => n.Contains("Call lookup is not set up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandleAsync_CallIdWithLookup_UsesTheCallFacts()
    {
        var calls = new StubCalls(new Fact("answered", FactValue.No, FactSource.Api, Evidence.Of("evidence.text", ("quote", "answered_at: null"))),
            new Fact("voicemail", FactValue.No, FactSource.Api, Evidence.Of("evidence.text", ("quote", "voicemail: null"))));

        var reply = await Service(calls).HandleAsync(Text("https://dashboard.aircall.io/calls/1234567"), Ct);

        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal(["call-not-answered"], diagnosis.ConfirmedCauseIds);
        Assert.Equal("Call 1234567", diagnosis.CallLabel);
        Assert.Equal(["1234567"], calls.Looked);
    }

    [Fact]
    public async Task HandleAsync_AnswerAfterIdleTimeout_GetsAFriendlyRestartMessage()
    {
        var service = Service();
        var question = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));

        _time.Advance(TimeSpan.FromHours(25));
        var reply = await service.HandleAsync(Click(question, "yes"), Ct);

        var message = Assert.IsType<MessageReply>(reply);
        Assert.Contains("expired", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_NewMessageAfterIdleTimeout_StartsANewConversation()
    {
        var service = Service();
        await service.HandleAsync(Text("The call has no recording"), Ct);
        _time.Advance(TimeSpan.FromHours(25));

        var question = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));

        Assert.Equal(1, question.Number);
    }

    [Fact]
    public async Task HandleAsync_SameAnswerClickedTwice_SecondIsAlreadyAnsweredAndStateIsKept()
    {
        var service = Service();
        var first = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));
        var second = Assert.IsType<QuestionReply>(await service.HandleAsync(Click(first, "yes"), Ct));

        var again = Assert.IsType<MessageReply>(await service.HandleAsync(Click(first, "no"), Ct));
        Assert.Contains("already been answered", again.Text, StringComparison.Ordinal);

        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(Click(second, "..4"), Ct));
        Assert.Equal(["too-short"], diagnosis.ConfirmedCauseIds);
    }

    [Fact]
    public async Task HandleTurnAsync_SameWorkReplayed_GetsTheFirstResultAndChangesNothing()
    {
        var service = Service();
        var first = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));
        var click = Click(first, "yes") with { Id = "work-1" };

        var once = await service.HandleTurnAsync(click, Ct);
        // A crash after the turn was saved but before its reply went out: the same work runs again.
        var again = await service.HandleTurnAsync(click, Ct);
        // A different click on the same button is a real second click.
        var other = await service.HandleTurnAsync(click with { Id = "work-2" }, Ct);

        var next = Assert.IsType<QuestionReply>(once.Reply);
        Assert.Equal("talk-seconds", next.FactId);
        var replayed = Assert.IsType<QuestionReply>(again.Reply);
        Assert.Equal(next.FactId, replayed.FactId);
        Assert.Equal(next.Number, replayed.Number);
        Assert.Equal("answered", again.Answered?.Question.FactId);
        Assert.Contains("already been answered", Assert.IsType<MessageReply>(other.Reply).Text, StringComparison.Ordinal);
        var conversation = await _state.Conversations.GetAsync("c1", Ct);
        Assert.Equal(2, conversation!.QuestionsAsked);
    }

    [Fact]
    public async Task HandleAsync_ConcurrentClicksOnOneQuestion_AdvanceOnce()
    {
        var service = Service();
        var first = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => service.HandleAsync(Click(first, "yes"), Ct), Ct)));

        Assert.Single(replies.OfType<QuestionReply>());
        Assert.Equal(7, replies.OfType<MessageReply>().Count());
    }

    [Fact]
    public async Task HandleAsync_InvalidValue_IsRejectedAndTheQuestionStaysOpen()
    {
        var service = Service();
        var first = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("The call has no recording"), Ct));

        Assert.IsType<MessageReply>(await service.HandleAsync(Click(first, "maybe"), Ct));
        Assert.IsType<QuestionReply>(await service.HandleAsync(Click(first, "yes"), Ct));
    }

    [Fact]
    public async Task HandleAsync_UnknownConversation_GetsAFriendlyRestartMessage()
    {
        var reply = await Service().HandleAsync(new Turn(ChatChannel.Terminal, "c9", "U1", "fr-FR") { Intent = new Answer("nope", "answered", "yes") }, Ct);

        var message = Assert.IsType<MessageReply>(reply);
        Assert.Equal("fr", message.Language);
    }

    [Fact]
    public async Task HandleAsync_NotSureToEverything_EndsWithPossibleCauses()
    {
        var service = Service();
        var reply = await service.HandleAsync(Text("The call has no recording"), Ct);
        var questions = 0;
        while (reply is QuestionReply question)
        {
            questions++;
            reply = await service.HandleAsync(Click(question, "unknown"), Ct);
        }

        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal(DiagnosisKind.Possible, diagnosis.Kind);
        Assert.NotEmpty(diagnosis.Causes);
        Assert.Empty(diagnosis.ConfirmedCauseIds);
        Assert.True(questions < Knowledge.Rules.Facts.Count);
    }

    [Fact]
    public async Task HandleAsync_TypedYesWhileAQuestionIsOpen_AnswersIt()
    {
        var service = Service();
        await service.HandleAsync(Text("The call has no recording"), Ct);

        var next = Assert.IsType<QuestionReply>(await service.HandleAsync(Text("yes"), Ct));

        Assert.Equal("talk-seconds", next.FactId);
    }

    [Fact]
    public async Task HandleAsync_TypedOptionLabel_AnswersIt()
    {
        var service = Service();
        await service.HandleAsync(Text("The call was answered but there is no recording"), Ct);

        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(Text("More than 4 hours"), Ct));

        Assert.Equal(["too-long"], diagnosis.ConfirmedCauseIds);
    }

    [Fact]
    public async Task HandleAsync_NoKnownCause_GivesWhatWasCheckedAndAnEscalationSummary()
    {
        var service = Service();
        var reply = await service.HandleAsync(Text("The call was answered, we talked 2 minutes, recording was on and nobody paused it, no recording"), Ct);
        var answers = new Dictionary<string, string>
        {
            ["recording-enabled"] = "yes",
            ["pause-allowed"] = "no",
            ["paused"] = "no",
            ["parallel-second"] = "no",
            ["link-visible"] = "no",
            ["number-exists"] = "yes",
        };
        while (reply is QuestionReply question)
        {
            reply = await service.HandleAsync(Click(question, answers[question.FactId]), Ct);
        }

        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal(DiagnosisKind.NoKnownCause, diagnosis.Kind);
        Assert.Equal(Knowledge.Rules.Causes.Count, diagnosis.Checked.Count);
        Assert.Contains("Conversation length: 2 min (source: your message)", diagnosis.Escalation, StringComparison.Ordinal);
        Assert.Contains("[too-short] (because Conversation length: 2 min)", diagnosis.Escalation, StringComparison.Ordinal);
        Assert.Contains("Call id: not given", diagnosis.Escalation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("")]
    public async Task HandleAsync_HelpOrEmpty_GivesUsage(string text)
    {
        var reply = await Service().HandleAsync(Text(text, locale: "it-IT"), Ct);

        var help = Assert.IsType<HelpReply>(reply);
        Assert.Equal("it", help.Language);
        Assert.Contains("https://dashboard.aircall.io/calls/1234567", help.Examples);
    }

    private sealed class StubCalls(params Fact[] facts) : ICallFactsProvider
    {
        public List<string> Looked { get; } = [];

        public Task<CallLookup> LookupAsync(string callId, CallRequester requester, CancellationToken ct)
        {
            Looked.Add(callId);
            return Task.FromResult(new CallLookup(CallLookupStatus.Found, facts));
        }
    }
}
