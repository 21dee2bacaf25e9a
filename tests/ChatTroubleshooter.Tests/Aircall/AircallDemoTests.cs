using ChatTroubleshooter.Places;
using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Aircall;

/// <summary>The demo dataset, served through the real Aircall client, as README's run command shows it.</summary>
public sealed class AircallDemoTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IHost _host;

    public AircallDemoTests()
    {
        _host = CoreHost.Build(new() { ["Aircall:Demo"] = "true", ["Aircall:NotReadyRecheckDelay"] = "00:00:15" }, _time);
    }

    public void Dispose() => _host.Dispose();

    private ConversationService Service => _host.Services.GetRequiredService<ConversationService>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("1000001", "recording-disabled")]
    [InlineData("1000003", "call-not-answered")]
    [InlineData("1000004", "too-short")]
    [InlineData("1000006", "too-long")]
    [InlineData("1000007", "parallel-call")]
    [InlineData("https://dashboard.aircall.io/calls/1000008", "number-deleted")]
    public async Task DemoCallId_WhereTheDataDecides_IsDiagnosedWithZeroQuestions(string text, string cause)
    {
        var reply = await Service.HandleAsync(new Turn(ChatChannel.Terminal, $"t:{text}", "U1", "en-US") { Text = text }, Ct);

        var diagnosis = Assert.IsType<DiagnosisReply>(reply);
        Assert.Equal([cause], diagnosis.ConfirmedCauseIds);
        Assert.All(diagnosis.Causes.SelectMany(c => c.Evidence), e => Assert.StartsWith("Aircall: ", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1000002", "pause-allowed")]
    [InlineData("1000005", "voicemail")]
    public async Task DemoCallId_WhereTheDataCannotDecide_AsksOnlyWhatItLacks(string text, string firstQuestion)
    {
        var reply = await Service.HandleAsync(new Turn(ChatChannel.Terminal, $"t:{text}", "U1", "en-US") { Text = text }, Ct);

        var question = Assert.IsType<QuestionReply>(reply);
        Assert.NotEqual("answered", question.FactId);
        Assert.NotEqual("talk-seconds", question.FactId);
        Assert.Contains(question.FactId, new[] { firstQuestion, "recording-enabled" });
    }

    [Fact]
    public async Task DemoUnknownId_SaysNoSuchCallAndGoesOnWithQuestions()
    {
        var reply = await Service.HandleAsync(new Turn(ChatChannel.Terminal, "t:x", "U1", "en-US") { Text = "9999999" }, Ct);

        var question = Assert.IsType<QuestionReply>(reply);
        Assert.Contains(question.Notices, n => n.Contains("no call with id 9999999", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoNotReadyCall_IsRecheckedAfterTheDelayAndAnsweredInTheSameConversation()
    {
        var first = await Service.HandleAsync(new Turn(ChatChannel.Terminal, "t:nr", "U1", "fr-FR") { Text = "1000010" }, Ct);

        var notReady = Assert.IsType<NotReadyReply>(first);
        Assert.Equal(TimeSpan.FromSeconds(15), notReady.RecheckAfter);
        Assert.Contains("1000010", notReady.Text, StringComparison.Ordinal);
        Assert.Equal("fr", notReady.Language);

        _time.Advance(notReady.RecheckAfter);
        var after = await Service.HandleAsync(new Turn(ChatChannel.Terminal, "t:nr", "U1", "fr-FR") { Intent = new Recheck() }, Ct);

        Assert.IsNotType<NotReadyReply>(after);
        Assert.Equal("fr", after.Language);
        Assert.Contains(after.Notices, n => n.Contains("1000010", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TerminalChat_DemoIds_AreAnsweredWithoutQuestions()
    {
        var output = new StringWriter();
        var chat = new TerminalChat(Service, _time, new StringReader("1000004\n1000001\n1000006\n"), output);

        var exit = await chat.RunAsync([], Ct);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.DoesNotContain("[Question", text, StringComparison.Ordinal);
        Assert.Contains("* The conversation was shorter than 5 seconds", text, StringComparison.Ordinal);
        Assert.Contains("* Call recording is switched off for this number", text, StringComparison.Ordinal);
        Assert.Contains("* The call was longer than 4 hours", text, StringComparison.Ordinal);
        // Cause ids are for machines (the escalation summary and the stats), not for the person reading.
        Assert.DoesNotContain("[too-short]", text, StringComparison.Ordinal);
    }
}
