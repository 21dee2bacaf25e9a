using ChatTroubleshooter.Places;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Conversations;

/// <summary>The edges of a conversation: starting over, answers it cannot read, small talk, calls that have their recording.</summary>
public sealed class ConversationEdgeTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IHost _host;

    public ConversationEdgeTests()
    {
        _host = Fakes.CoreHost.Build(new() { ["Aircall:Demo"] = "true" }, _time);
    }

    public void Dispose() => _host.Dispose();

    private ConversationService Service => _host.Services.GetRequiredService<ConversationService>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<Reply> SayAsync(string text, string key = "k", string? locale = null) =>
        Service.HandleAsync(new Turn(ChatChannel.Slack, key, "U1", locale) { Text = text }, Ct);

    private Task<Reply> ClickAsync(QuestionReply question, string value, string key = "k") =>
        Service.HandleAsync(new Turn(ChatChannel.Slack, key, "U1", null) { Intent = new Answer(question.ConversationId, question.FactId, value) }, Ct);

    [Theory]
    [InlineData("the call has no recording", "start over", "en", "Starting over")]
    [InlineData("la llamada no tiene grabación", "empezar de nuevo", "es", "Empezamos de nuevo")]
    [InlineData("l'appel n'a pas d'enregistrement", "recommencer", "fr", "On recommence")]
    [InlineData("der Anruf hat keine Aufnahme", "von vorne", "de", "Wir fangen neu an")]
    [InlineData("la chiamata non ha registrazione", "ricomincia", "it", "Ricominciamo")]
    [InlineData("a chamada não tem gravação", "recomeçar", "pt", "Vamos recomeçar")]
    [InlineData("de oproep heeft geen opname", "opnieuw beginnen", "nl", "We beginnen opnieuw")]
    public async Task RestartWord_EndsTheOpenConversation_AndSaysSo(string problem, string restart, string language, string said)
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync(problem));
        Assert.Equal(language, question.Language);

        var reply = Assert.IsType<MessageReply>(await SayAsync(restart));

        Assert.StartsWith(said, reply.Text, StringComparison.Ordinal);
        // The old question is gone: clicking it now is "already answered", and a new message starts at question 1.
        Assert.IsType<MessageReply>(await ClickAsync(question, "yes"));
        Assert.Equal(1, Assert.IsType<QuestionReply>(await SayAsync(problem)).Number);
    }

    [Fact]
    public async Task StartOverButton_EndsTheConversation_AndReplacesTheQuestion()
    {
        Assert.IsType<QuestionReply>(await SayAsync("the call has no recording"));

        var outcome = await Service.HandleTurnAsync(new Turn(ChatChannel.Teams, "k", "U1", null) { Intent = new Restart() }, Ct);

        Assert.True(outcome.ReplacesClicked);
        Assert.StartsWith("Starting over", Assert.IsType<MessageReply>(outcome.Reply).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADescriptionInAnotherLanguage_WhileAQuestionIsOpen_StartsANewConversationInItsLanguage()
    {
        var spanish = Assert.IsType<QuestionReply>(await SayAsync("la llamada no tiene grabación"));

        var german = Assert.IsType<QuestionReply>(await SayAsync("Der Anruf wurde angenommen, aber es gibt keine Aufnahme"));

        Assert.Equal("de", german.Language);
        Assert.NotEqual(spanish.ConversationId, german.ConversationId);
        Assert.Contains(german.Notices, n => n.Contains("neuen Problem", StringComparison.Ordinal));
        Assert.Equal(1, german.Number);
    }

    [Theory]
    [InlineData("asdfgh")]
    [InlineData("7")]
    [InlineData("banana")]
    public async Task AnAnswerItCannotRead_GetsTheSameQuestionNumber_WithTheOptions(string unreadable)
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync("the call has no recording"));

        var again = Assert.IsType<QuestionReply>(await SayAsync(unreadable));

        Assert.Equal((question.ConversationId, question.FactId, question.Number), (again.ConversationId, again.FactId, again.Number));
        Assert.Equal("Pick one of the options: 1 Yes, 2 No, 3 Not sure.", Assert.Single(again.Notices));
        // Still answerable: the conversation did not move.
        Assert.Equal(2, Assert.IsType<QuestionReply>(await ClickAsync(question, "yes")).Number);
    }

    [Theory]
    [InlineData("the call has no recording", "I don't know")]
    [InlineData("la llamada no tiene grabación", "no lo sé")]
    [InlineData("l'appel n'a pas d'enregistrement", "je ne sais pas")]
    [InlineData("der Anruf hat keine Aufnahme", "weiß ich nicht")]
    [InlineData("la chiamata non ha registrazione", "non lo so")]
    [InlineData("a chamada não tem gravação", "não sei")]
    [InlineData("de oproep heeft geen opname", "ik weet het niet")]
    [InlineData("the call has no recording", "no lo sé")]
    public async Task NotSure_InEveryLanguage_IsTheUnknownAnswer(string problem, string notSure)
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync(problem));

        var next = Assert.IsType<QuestionReply>(await SayAsync(notSure));

        Assert.Equal(question.ConversationId, next.ConversationId);
        Assert.NotEqual(question.FactId, next.FactId);
        Assert.Empty(next.Notices);
    }

    [Theory]
    [InlineData("hi", "Hi!")]
    [InlineData("hola", "¡Hola!")]
    [InlineData("bonjour", "Bonjour !")]
    [InlineData("thanks!", "You're welcome!")]
    [InlineData("merci", "Avec plaisir !")]
    [InlineData("ok", "You're welcome!")]
    public async Task SmallTalk_GetsAShortReply_AndOpensNoConversation(string text, string starts)
    {
        var reply = Assert.IsType<MessageReply>(await SayAsync(text, locale: "en-US"));

        Assert.StartsWith(starts, reply.Text, StringComparison.Ordinal);
        Assert.Null(await _host.Services.GetRequiredService<ChatTroubleshooter.Conversations.IConversationStore>().GetAsync("k", Ct));
    }

    [Fact]
    public async Task Greeting_InDemoMode_SuggestsADemoCall() =>
        Assert.EndsWith("1000004", Assert.IsType<MessageReply>(await SayAsync("hello")).Text, StringComparison.Ordinal);

    [Fact]
    public async Task ACallWithItsRecording_SaysSoWithItsLink_AndEndsWithoutEscalation_WhenItOpens()
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync("1000009"));

        Assert.Equal("recording-opens", question.FactId);
        Assert.Contains(question.Notices, n => n.Contains("https://dashboard.aircall.io/calls/1000009", StringComparison.Ordinal));
        var healthy = Assert.IsType<MessageReply>(await ClickAsync(question, "yes"));
        Assert.Contains("nothing is missing", healthy.Text, StringComparison.Ordinal);
        Assert.Contains("https://dashboard.aircall.io/calls/1000009", healthy.Text, StringComparison.Ordinal);
        Assert.Empty(await _host.Services.GetRequiredService<ChatTroubleshooter.Conversations.IDiagnosisLog>().DiagnosesSinceAsync(DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task ACallWithItsRecording_ThatDoesNotOpen_GoesOnLookingForTheCause()
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync("1000009"));

        var next = await ClickAsync(question, "no");

        Assert.IsNotType<MessageReply>(next);
    }

    [Theory]
    [InlineData("maybe recording was off on that line? the agent answered", "recording-enabled")]
    [InlineData("War die Aufnahme pausiert? Der Kunde hat abgenommen.", "paused")]
    public async Task AGuessOrAQuestion_IsNotTakenAsAFact_ButAskedFirst(string text, string fact)
    {
        var question = Assert.IsType<QuestionReply>(await SayAsync(text));

        Assert.Equal(fact, question.FactId);
        Assert.Equal(1, question.Number);
    }

    [Fact]
    public void AConversationStoredBeforeHints_StillReads()
    {
        // As 3c7c118 wrote it: no "hints".
        const string stored = """
            {"key":"k","id":"c1","language":"en","facts":[{"id":"answered","value":"yes","source":"Text","evidence":"evidence.text","args":{"quote":"answered"}}],
             "settled":[],"updatedAt":1780000000000,"pending":"talk-seconds","questions":1,"callId":null,"diagnosisId":null,"input":"answered",
             "lastTurnId":null,"lastTurnResult":null,"closed":false,"country":null}
            """;

        var conversation = ChatTroubleshooter.Conversations.ConversationJson.Deserialize(stored, 3);

        Assert.Empty(conversation.Hints);
        Assert.Equal("talk-seconds", conversation.PendingFactId);
    }

    [Fact]
    public async Task AnUnansweredOutboundCall_GetsNoAdviceAboutOpeningHours()
    {
        var diagnosis = Assert.IsType<DiagnosisReply>(await SayAsync("1000003"));

        var steps = string.Join(" ", Assert.Single(diagnosis.Causes).Steps);
        Assert.DoesNotContain("opening hours", steps, StringComparison.Ordinal);
        Assert.Contains("call again", steps, StringComparison.Ordinal);
    }
}
