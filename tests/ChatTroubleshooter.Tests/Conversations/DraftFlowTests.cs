using ChatTroubleshooter.Places;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Chat;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Conversations;

/// <summary>"Draft for the customer": the customer's language by default, switchable, and only ever shown to the agent.</summary>
public sealed class DraftFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("ES", "es")]
    [InlineData("FR", "fr")]
    [InlineData("AT", "de")]
    [InlineData("CH", "de")]
    [InlineData("BR", "pt")]
    [InlineData("BE", "nl")]
    [InlineData("IT", "it")]
    [InlineData("US", "en")]
    [InlineData(null, null)]
    public void NumberCountry_GivesTheCustomersLanguage(string? country, string? language) =>
        Assert.Equal(language, DiagnosisClicks.CustomerLanguage(country));

    [Fact]
    public async Task Draft_DefaultsToTheNumbersCountry_AndSwitchesLanguage()
    {
        using var host = CoreHost.Build(new() { ["Aircall:Demo"] = "true" }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var service = host.Services.GetRequiredService<ConversationService>();
        // Demo call 1000001 is on number "Support FR" (country FR); the agent writes in English.
        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(new Turn(ChatChannel.Slack, "k", "U1", "en-US") { Text = "1000001" }, Ct));

        var first = await service.HandleTurnAsync(new Turn(ChatChannel.Slack, "k", "U1", "en-US") { Intent = new DraftRequest(diagnosis.DiagnosisId, null) }, Ct);
        var german = await service.HandleTurnAsync(new Turn(ChatChannel.Slack, "k", "U1", "en-US") { Intent = new DraftRequest(diagnosis.DiagnosisId, "de") }, Ct);

        Assert.Equal("en", diagnosis.Language);
        Assert.Equal("fr", Assert.IsType<DraftReply>(first.Reply).Language);
        Assert.StartsWith("Bonjour {customer name},", ((DraftReply)first.Reply).Text, StringComparison.Ordinal);
        Assert.True(first.PrivateToUser);
        Assert.False(first.ReplacesClicked);
        Assert.StartsWith("Guten Tag {customer name},", Assert.IsType<DraftReply>(german.Reply).Text, StringComparison.Ordinal);
        Assert.True(german.ReplacesClicked);
    }

    [Fact]
    public async Task Terminal_DraftCommand_PrintsTheDraftInTheLanguageAsked()
    {
        using var host = CoreHost.Build(new() { ["Aircall:Demo"] = "true" }, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var output = new StringWriter();

        await new TerminalChat(host.Services.GetRequiredService<ConversationService>(), TimeProvider.System,
            new StringReader("1000004\ndraft es\n"), output).RunAsync([], Ct);

        Assert.Contains("Hola, {customer name}:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("La conversación duró menos de 5 segundos.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_DraftOfAChannelDiagnosis_IsEphemeral_AndItsLanguageButtonsReplaceIt()
    {
        using var app = new BotApp();
        using var client = app.CreateClient();
        var envelope = JsonNode.Parse(TestData.Read("slack/event_app_mention.json"))!.AsObject();
        envelope["event"]!["text"] = "<@U123> why has call 1000001 no recording?";
        await client.SendAsync(BotApp.Signed("/slack/events", envelope.ToJsonString(), "application/json"), Ct);
        var post = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.AbsolutePath == "/api/chat.postMessage"));
        var draftButton = Buttons(JsonNode.Parse(app.Slack.Body(post))!).Single(b => (string?)b["action_id"] == "draft");

        await client.SendAsync(SlackRequests.Click(draftButton, team: "T_INSTALLED"), Ct);
        var response = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.Host == "hooks.slack.com"));
        var draft = JsonNode.Parse(app.Slack.Body(response))!;
        await app.DrainAsync();

        Assert.Equal("ephemeral", (string?)draft["response_type"]);
        Assert.Equal(false, (bool?)draft["replace_original"]);
        Assert.Contains("Bonjour {customer name},", draft.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(7, Buttons(draft).Count(b => ((string)b["action_id"]!).StartsWith("draft:", StringComparison.Ordinal)));
        // Nothing else was posted to the channel.
        Assert.Single(app.Slack.Requests, r => r.RequestUri!.AbsolutePath is "/api/chat.postMessage" or "/api/chat.update");
    }

    [Fact]
    public async Task Teams_Draft_ComesBackInTheInvokeResponse_AsWrappedText_NeverAsAMessage()
    {
        using var app = new BotApp(BotFrameworkFake.Settings);
        var botFramework = new BotFrameworkFake(app.Teams);
        using var client = app.CreateClient();
        Task<HttpResponseMessage> PostAsync(JsonObject activity) => botFramework.PostAsync(client, activity);

        await PostAsync(BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json", a => a["text"] = "<at>ridotest</at> 1000001"));
        bool IsMessage(HttpRequestMessage r) => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.Contains("/activities", StringComparison.Ordinal)
            && app.Teams.Body(r).Contains("\"message\"", StringComparison.Ordinal);
        var posted = Assert.Single(await BotApp.WaitForAsync(app.Teams, IsMessage));
        var card = JsonNode.Parse(app.Teams.Body(posted))!["attachments"]![0]!["content"]!;
        var draft = card["actions"]!.AsArray().Single(a => (string?)a!["verb"] == "draft")!;

        var channelMessage = BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json");
        var invoke = BotFrameworkFake.Activity("teamsnet_invoke-adaptiveCard-action-personal.json", a =>
        {
            a["id"] = Guid.NewGuid().ToString();
            // Clicked on the card where it was posted: the channel's conversation.
            a["conversation"] = channelMessage["conversation"]!.DeepClone();
            a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "draft", ["data"] = draft["data"]!.DeepClone() } };
        });
        var body = (await (await PostAsync(invoke)).Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        await app.DrainAsync();

        Assert.Equal(CardRenderer.ContentType, (string?)body["type"]);
        var text = body["value"]!["body"]!.AsArray().Single(b => ((string?)b!["text"])?.StartsWith("Bonjour", StringComparison.Ordinal) == true)!;
        Assert.True((bool?)text["wrap"]);
        Assert.Single(app.Teams.Requests, IsMessage);
    }

    private static IEnumerable<JsonObject> Buttons(JsonNode message) =>
        message["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).Select(e => e!.AsObject());
}
