using System.Net;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Tests.Alerts;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Links;

/// <summary>
/// Issue 34: a pasted Aircall call link unfurls with the call's recording status (link_shared → chat.unfurl). The events
/// are Slack's documented <c>link_shared</c> examples with Aircall links; Aircall and Slack are fakes.
/// </summary>
public sealed class SlackUnfurlTests
{
    private const string Link = "https://dashboard.aircall.io/calls/1234567";
    private const string MessageTs = "123456789.9875";

    private readonly AlertPeers _aircall = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BotApp App(Dictionary<string, string?>? settings = null) => _aircall.App(settings ?? [], tokens: false);

    /// <summary>Slack's documented envelope, with the message's links replaced by <paramref name="urls"/>.</summary>
    internal static string LinkShared(string eventId = "Ev123ABC456", bool composer = false, params string[] urls)
    {
        var envelope = JsonNode.Parse(TestData.Read("slack/event_link_shared.json"))!.AsObject();
        if (composer)
        {
            envelope["event"] = JsonNode.Parse(TestData.Read("slack/event_link_shared_composer.json"));
        }

        envelope["event_id"] = eventId;
        envelope["event"]!["links"] = new JsonArray([.. (urls.Length == 0 ? [Link] : urls)
            .Select(u => (JsonNode)new JsonObject { ["domain"] = new Uri(u).Host, ["url"] = u })]);
        return envelope.ToJsonString();
    }

    private static bool IsUnfurl(HttpRequestMessage r) => r.RequestUri!.AbsolutePath == "/api/chat.unfurl";

    private static async Task<JsonObject> UnfurlAsync(BotApp app, HttpClient client, string body)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/events", body, "application/json"), Ct)).StatusCode);
        var unfurl = Assert.Single(await app.WaitForAsync(IsUnfurl));
        await app.DrainAsync();
        return JsonNode.Parse(app.Slack.Body(unfurl))!.AsObject();
    }

    [Fact]
    public async Task ACallWithoutARecording_UnfurlsWithItsCause_AndADiagnoseButton()
    {
        using var app = App();
        using var client = app.CreateClient();

        var unfurl = await UnfurlAsync(app, client, LinkShared());

        Assert.Equal("C123ABC456", (string?)unfurl["channel"]);
        Assert.Equal(MessageTs, (string?)unfurl["ts"]);
        var blocks = unfurl["unfurls"]![Link]!["blocks"]!.AsArray();
        var text = JsonTexts.Joined(blocks);
        Assert.Contains("Aircall call 1234567", text, StringComparison.Ordinal);
        Assert.Contains("Outgoing call from Support, made by John Doe,", text, StringComparison.Ordinal);
        Assert.Contains("2 min of conversation", text, StringComparison.Ordinal);
        Assert.Contains("No recording: Call recording is switched off for this number.", text, StringComparison.Ordinal);
        var diagnose = blocks[1]!["elements"]![0]!;
        Assert.Equal("Diagnose", (string?)diagnose["text"]!["text"]);
        Assert.Contains("diagnose-call", (string?)diagnose["value"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithWorkObjectUnfurls_TheUnfurlCarriesWhatItFound_ForOtherApps()
    {
        using var app = App(new() { ["Slack:WorkObjectUnfurls"] = "true" });
        using var client = app.CreateClient();

        var unfurl = await UnfurlAsync(app, client, LinkShared());

        var entity = Assert.Single(unfurl["metadata"]!["entities"]!.AsArray())!;
        Assert.Equal(Link, (string?)entity["app_unfurl_url"]);
        Assert.Equal("1234567", (string?)entity["external_ref"]!["id"]);
        var fields = entity["entity_payload"]!["custom_fields"]!.AsArray().ToDictionary(f => (string)f!["key"]!, f => (string?)f!["value"]);
        Assert.Equal("aircall_recording_diagnosis", fields["event_type"]);
        Assert.Equal("confirmed", fields["kind"]);
        Assert.Equal("recording-disabled", fields["confirmed_causes"]);
        Assert.Equal("en", fields["language"]);
    }

    [Fact]
    public async Task ByDefault_TheUnfurlHasNoMetadata()
    {
        using var app = App();
        using var client = app.CreateClient();

        var unfurl = await UnfurlAsync(app, client, LinkShared());

        Assert.Null(unfurl["metadata"]);
    }

    [Fact]
    public async Task ARecordedCall_UnfurlsAsRecorded_WithoutDiagnose()
    {
        _aircall.CallData = AlertPeers.Call(talkSeconds: 120, recording: "https://example.test/recording.mp3");
        using var app = App();
        using var client = app.CreateClient();

        var unfurl = await UnfurlAsync(app, client, LinkShared());

        var text = JsonTexts.Joined(unfurl["unfurls"]![Link]);
        Assert.Contains("Recorded.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("diagnose-call", text, StringComparison.Ordinal);
        Assert.Contains("Open in Aircall", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCall_UnfurlsToNothing_AndLogsNoError()
    {
        _aircall.Aircall.OnFirst(r => r.RequestUri!.AbsolutePath == "/v1/calls/9999999", _ => RecordingHandler.Status(HttpStatusCode.NotFound));
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/events",
            LinkShared(urls: "https://dashboard.aircall.io/calls/9999999"), "application/json"), Ct)).StatusCode);
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.DoesNotContain(app.Slack.Requests, IsUnfurl);
        Assert.Equal(1, _aircall.Aircall.Count("/v1/calls/9999999"));
        // (The test server cannot apply body size limits and says so: not the bot's.)
        Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && e.Category.StartsWith("ChatTroubleshooter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSameCallUnfurledAgainWithinFiveMinutes_AsksAircallNothing()
    {
        using var app = App();
        using var client = app.CreateClient();
        await UnfurlAsync(app, client, LinkShared("Ev1"));
        var asked = _aircall.Aircall.Requests.Count;

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/events", LinkShared("Ev2", composer: true), "application/json"), Ct)).StatusCode);
        var unfurls = await app.WaitForAsync(IsUnfurl, count: 2);
        await app.DrainAsync();

        Assert.Equal(asked, _aircall.Aircall.Requests.Count);
        // In the composer, Slack names the link by its unfurl id and source (its channel and ts are not real ones).
        var composer = JsonNode.Parse(app.Slack.Body(unfurls[1]))!;
        Assert.Equal("composer", (string?)composer["source"]);
        Assert.StartsWith("U123ABC456-909b5454", (string?)composer["unfurl_id"], StringComparison.Ordinal);
        Assert.Null(composer["ts"]);
    }

    [Fact]
    public async Task Diagnose_StartsTheUsualConversation_InTheMessagesThread()
    {
        using var app = App();
        using var client = app.CreateClient();
        var unfurl = await UnfurlAsync(app, client, LinkShared());
        var diagnose = unfurl["unfurls"]![Link]!["blocks"]![1]!["elements"]![0]!.AsObject();

        // The click on an unfurl's button names the message the unfurl is attached to.
        await client.SendAsync(SlackRequests.Click(diagnose, team: "T123ABC456", channel: "C123ABC456", messageTs: MessageTs), Ct);
        var answer = Assert.Single(await app.WaitForAsync(r => r.RequestUri!.AbsolutePath == "/api/chat.postMessage"));
        await app.DrainAsync();

        var body = JsonNode.Parse(app.Slack.Body(answer))!;
        Assert.Equal("C123ABC456", (string?)body["channel"]);
        Assert.Equal(MessageTs, (string?)body["thread_ts"]);
        Assert.Contains("cause:recording-disabled", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinkThatNamesNoCall_IsNotLookedUp()
    {
        using var app = App();
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BotApp.Signed("/slack/events",
            LinkShared(urls: "https://dashboard.aircall.io/conversations"), "application/json"), Ct)).StatusCode);
        await app.DrainAsync();
        await app.SentinelAsync();

        Assert.Empty(_aircall.Aircall.Requests);
        Assert.DoesNotContain(app.Slack.Requests, IsUnfurl);
    }
}
