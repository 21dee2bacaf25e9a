using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Alerts;
using ChatTroubleshooter.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace ChatTroubleshooter.Tests.Slack;

/// <summary>
/// Issue 34: "Why no recording?" as Slack shortcuts. The payloads are the Slack SDKs' (bolt-python's message and global
/// shortcuts, java-slack-sdk's view_submission) with the bot's callback ids and inputs; Aircall and Slack are fakes.
/// </summary>
public sealed class SlackShortcutTests
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string MessageTs = "1583636382.000300";

    private readonly AlertPeers _aircall = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App() => _aircall.App([], tokens: false);

    private static HttpRequestMessage Interaction(JsonNode payload) =>
        BotApp.Signed("/slack/interactions", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), Form);

    private static JsonObject MessageShortcut(string text)
    {
        var payload = JsonNode.Parse(TestData.Read("slack/message_action_bolt_python.json"))!.AsObject();
        payload["callback_id"] = "why_no_recording";
        payload["message"]!["text"] = text;
        return payload;
    }

    /// <summary>The modal submitted with these inputs (null: left empty), answering in C111.</summary>
    private static JsonObject Submission(string? call, string? description, string language = "en")
    {
        var payload = JsonNode.Parse(TestData.Read("slack/view_submission.json"))!.AsObject();
        payload["view"]!["callback_id"] = "norecording_modal";
        payload["view"]!["private_metadata"] = language;
        payload["view"]!["state"] = new JsonObject
        {
            ["values"] = new JsonObject
            {
                ["call"] = new JsonObject { ["call"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = call } },
                ["description"] = new JsonObject { ["description"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = description } },
                ["where"] = new JsonObject { ["where"] = new JsonObject { ["type"] = "conversations_select", ["selected_conversation"] = "C111" } },
            },
        };
        payload["response_urls"] = new JsonArray(new JsonObject
        {
            ["block_id"] = "where",
            ["action_id"] = "where",
            ["channel_id"] = "C111",
            ["response_url"] = "https://hooks.slack.com/app/T12345678/1111/xxxx",
        });
        return payload;
    }

    private static bool IsPost(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.postMessage";

    private static bool IsResponse(HttpRequestMessage r) => r.RequestUri!.Host == "hooks.slack.com";

    [Fact]
    public async Task OnAMessageWithACallLink_TheDiagnosisIsPostedInItsThread()
    {
        using var app = App();
        using var client = app.CreateClient();

        var ack = await client.SendAsync(Interaction(MessageShortcut("can someone check https://dashboard.aircall.io/calls/1234567 ?")), Ct);
        var post = Assert.Single(await app.WaitForAsync(IsPost));
        await app.DrainAsync();

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var body = JsonNode.Parse(app.Slack.Body(post))!;
        Assert.Equal("C111", (string?)body["channel"]);
        Assert.Equal(MessageTs, (string?)body["thread_ts"]);
        Assert.Contains("cause:recording-disabled", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnAMessageWithADescription_TheDescriptionIsRead()
    {
        using var app = App();
        using var client = app.CreateClient();

        await client.SendAsync(Interaction(MessageShortcut("Customer called us, the agent answered and the line dropped after 3 seconds, no recording")), Ct);
        var post = Assert.Single(await app.WaitForAsync(IsPost));
        await app.DrainAsync();

        var body = app.Slack.Body(post);
        Assert.Contains("cause:too-short", body, StringComparison.Ordinal);
        Assert.Equal(MessageTs, (string?)JsonNode.Parse(body)!["thread_ts"]);
        Assert.Empty(_aircall.Aircall.Requests);
    }

    [Fact]
    public async Task WhereTheBotIsNotAMember_TheAnswerGoesToTheUserAlone()
    {
        using var app = App();
        app.Slack.OnFirst(IsPost, _ => RecordingHandler.Json("""{"ok":false,"error":"not_in_channel"}"""));
        using var client = app.CreateClient();

        await client.SendAsync(Interaction(MessageShortcut("why has 1234567 no recording?")), Ct);
        var response = Assert.Single(await app.WaitForAsync(IsResponse));
        await app.DrainAsync();

        Assert.Equal("https://hooks.slack.com/app/T111/111/xxx", response.RequestUri!.ToString());
        var body = JsonNode.Parse(app.Slack.Body(response))!;
        Assert.Equal("ephemeral", (string?)body["response_type"]);
        Assert.Contains("cause:recording-disabled", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGlobalShortcut_OpensTheModal_InTheUsersLanguage()
    {
        using var app = App();
        using var client = app.CreateClient();
        var shortcut = JsonNode.Parse(TestData.Read("slack/shortcut_bolt_python.json"))!.AsObject();
        shortcut["callback_id"] = "why_no_recording_modal";

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Interaction(shortcut), Ct)).StatusCode);
        var open = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.AbsolutePath == "/api/views.open"));
        await app.DrainAsync();

        var body = JsonNode.Parse(app.Slack.Body(open))!;
        Assert.Equal("111.111.xxxxxx", (string?)body["trigger_id"]);
        var view = body["view"]!;
        Assert.Equal("norecording_modal", (string?)view["callback_id"]);
        Assert.True(((string)view["title"]!["text"]!).Length <= 24);
        Assert.Equal(["call", "description", "where"], view["blocks"]!.AsArray().Select(b => (string)b!["block_id"]!));
        Assert.True((bool)view["blocks"]![2]!["element"]!["response_url_enabled"]!);
    }

    [Theory]
    [InlineData(null, null, "en", "Enter a call id or link, or describe the call below.")]
    [InlineData("   ", null, "en", "Enter a call id or link, or describe the call below.")]
    [InlineData("the call from this morning", "no recording", "en", "This is not an Aircall call id or link")]
    [InlineData("abc", null, "fr", "Ce n'est pas un ID ni un lien d'appel Aircall")]
    public async Task AnInvalidModal_IsAnswered_WithTheErrorOnItsField(string? call, string? description, string language, string error)
    {
        using var app = App();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Interaction(Submission(call, description, language)), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("errors", (string?)body["response_action"]);
        Assert.StartsWith(error, (string?)body["errors"]!["call"], StringComparison.Ordinal);
        Assert.Equal(0, await app.Services.GetRequiredService<ChatTroubleshooter.Outbox.IWorkOutbox>().CountPendingAsync(Ct));
    }

    [Fact]
    public async Task AValidModal_ClosesAndIsAnswered_PrivatelyWhereTheUserChose()
    {
        using var app = App();
        using var client = app.CreateClient();

        var response = await client.SendAsync(Interaction(Submission("https://dashboard.aircall.io/calls/1234567", null)), Ct);
        var answer = Assert.Single(await app.WaitForAsync(IsResponse));
        await app.DrainAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("https://hooks.slack.com/app/T12345678/1111/xxxx", answer.RequestUri!.ToString());
        Assert.Contains("cause:recording-disabled", app.Slack.Body(answer), StringComparison.Ordinal);
    }
}
