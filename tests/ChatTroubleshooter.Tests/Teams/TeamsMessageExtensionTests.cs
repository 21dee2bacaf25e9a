using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Teams;

/// <summary>
/// Issue 34: the Teams message extension. A pasted Aircall link previews the call's recording status
/// (<c>composeExtension/queryLink</c>, answered within the invoke); "Why no recording?" on a message
/// (<c>composeExtension/submitAction</c>) diagnoses it in reply to it. Real activity envelopes (see TestData/teams/SOURCES.md),
/// really signed JWTs, the demo Aircall calls, a fake Connector.
/// </summary>
public sealed class TeamsMessageExtensionTests : IDisposable
{
    private readonly BotApp _app;
    private readonly BotFrameworkFake _botFramework;
    private readonly HttpClient _client;

    public TeamsMessageExtensionTests()
    {
        _app = new BotApp(BotFrameworkFake.Settings);
        _botFramework = new BotFrameworkFake(_app.Teams);
        _client = _app.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _app.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> PostAsync(JsonObject activity) => _botFramework.PostAsync(_client, activity);

    internal static JsonObject QueryLink(string url, string locale = "en-US") => BotFrameworkFake.Activity("playground_invoke-adaptiveCard-action-personal.json", a =>
    {
        a["name"] = "composeExtension/queryLink";
        a["locale"] = locale;
        a["value"] = new JsonObject { ["url"] = url };
    });

    private static JsonObject SubmitAction(string html, string? details = null) => BotFrameworkFake.Activity("teamsnet_channel-message-with-bot-mention.json", a =>
    {
        a["type"] = "invoke";
        a["name"] = "composeExtension/submitAction";
        a.Remove("text");
        a.Remove("entities");
        a["value"] = new JsonObject
        {
            ["commandId"] = "whyNoRecording",
            ["commandContext"] = "message",
            ["messagePayload"] = new JsonObject
            {
                ["id"] = "1759881511856",
                ["replyToId"] = null,
                ["createdDateTime"] = "2025-10-07T23:58:31.856Z",
                ["importance"] = "normal",
                ["locale"] = "en-us",
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
                ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "b15a9416-0ad3-4172-9210-7beb711d3f70", ["displayName"] = "rido" } },
            },
            ["data"] = details is null ? null : new JsonObject { ["details"] = details },
            ["context"] = new JsonObject { ["theme"] = "default" },
        };
    });

    private async Task<JsonObject> ResultAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["composeExtension"]!.AsObject();
        Assert.Equal("result", (string?)body["type"]);
        return body;
    }

    [Fact]
    public async Task ALinkToACallWithoutARecording_PreviewsItsCause_AsAnAdaptiveCard()
    {
        var result = await ResultAsync(await PostAsync(QueryLink("https://dashboard.aircall.io/calls/1000001")));

        var attachment = Assert.Single(result["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        var text = JsonTexts.Joined(card);
        Assert.Contains("Aircall call 1000001", text, StringComparison.Ordinal);
        Assert.Contains("No recording: Call recording is switched off for this number.", text, StringComparison.Ordinal);
        Assert.Equal("https://dashboard.aircall.io/calls/1000001", (string?)card["actions"]![0]!["url"]);
        Assert.Equal("application/vnd.microsoft.card.thumbnail", (string?)attachment["preview"]!["contentType"]);
        Assert.Equal("Aircall call 1000001", (string?)attachment["preview"]!["content"]!["title"]);
    }

    [Fact]
    public async Task ARecordedCall_PreviewsAsRecorded_InTheUsersLanguage()
    {
        var result = await ResultAsync(await PostAsync(QueryLink("https://dashboard.aircall.io/calls/1000009", "fr-FR")));

        var text = JsonTexts.Joined(Assert.Single(result["attachments"]!.AsArray())!["content"]);
        Assert.Contains("Appel Aircall 1000009", text, StringComparison.Ordinal);
        Assert.Contains("Enregistré.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinkToNoCall_PreviewsNothing_AndIsNoError()
    {
        var result = await ResultAsync(await PostAsync(QueryLink("https://dashboard.aircall.io/calls/9999999")));

        Assert.Empty(result["attachments"]!.AsArray());
    }

    [Fact]
    public async Task WhyNoRecording_OnAMessage_IsAnsweredInReplyToIt()
    {
        var response = await PostAsync(SubmitAction("<p>Can someone look at <a href=\"https://dashboard.aircall.io/calls/1000001\">this call</a>?</p>"));
        var reply = Assert.Single(await BotApp.WaitForAsync(_app.Teams, r => r.Method == HttpMethod.Post
            && r.RequestUri!.AbsolutePath.Contains("/v3/conversations/", StringComparison.Ordinal) && _app.Teams.Body(r).Contains("\"type\":\"message\"", StringComparison.Ordinal)));
        await _app.DrainAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(Ct));
        Assert.EndsWith("/activities/1759881511856", reply.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("recording-disabled", _app.Teams.Body(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhyNoRecording_ReadsWhatTheUserAdded()
    {
        await PostAsync(SubmitAction("<p>customer says the recording is missing</p>", details: "call 1000004"));
        var reply = Assert.Single(await BotApp.WaitForAsync(_app.Teams, r => r.Method == HttpMethod.Post
            && _app.Teams.Body(r).Contains("\"type\":\"message\"", StringComparison.Ordinal)));
        await _app.DrainAsync();

        Assert.Contains("too-short", _app.Teams.Body(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherCommand_IsAnInvokeError()
    {
        var activity = SubmitAction("<p>hi</p>");
        activity["value"]!["commandId"] = "somethingElse";

        var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("BadRequest", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["value"]!["code"]);
    }
}
